"""The outbox keeps no readable secret (issue 20): rows already sent or failed for good lose their bodies,
pending ones are encrypted in place (services/outbox.py seals new rows the same way). Data only."""

from typing import Any

from django.db import migrations

from unse.accounts.crypto import encrypt_text

FERNET_PREFIX = "gAAAAA"


def _seal(value: str) -> str:
    return encrypt_text(value) if value and not value.startswith(FERNET_PREFIX) else value


def encrypt_or_blank(apps: Any, schema_editor: Any) -> None:
    outbox = apps.get_model("accounts", "EmailOutbox")
    outbox.objects.filter(status__in=("sent", "failed")).update(body_text="", body_html="")
    last_pk = 0
    while True:
        chunk = list(outbox.objects.filter(pk__gt=last_pk).order_by("pk")[:500])
        if not chunk:
            break
        for row in chunk:
            row.body_text, row.body_html = _seal(row.body_text), _seal(row.body_html)
        outbox.objects.bulk_update(chunk, ["body_text", "body_html"])
        last_pk = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_saved_readings_and_shares"),
    ]

    operations = [
        migrations.RunPython(encrypt_or_blank, migrations.RunPython.noop, elidable=True),
    ]
