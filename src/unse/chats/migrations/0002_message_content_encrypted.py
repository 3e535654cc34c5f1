"""Chat messages encrypted at rest (issue 20). The column type stays text (no SQL on PostgreSQL); existing
rows are encrypted in place in batches, by raw SQL because the model now decrypts what it reads."""

from typing import Any

from django.db import migrations

import unse.accounts.crypto

try:  # dev-only: SQLite rebuilds the table for AlterField, which the linter mistakes for a NOT NULL add
    from django_migration_linter import IgnoreMigration

    _LINT: list[Any] = [IgnoreMigration()]
except ImportError:
    _LINT = []

FERNET_PREFIX = "gAAAAA"


def encrypt_existing(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    table = connection.ops.quote_name("chats_message")
    last_id = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, content FROM {table} WHERE id > %s ORDER BY id LIMIT 500",  # noqa: S608
                [last_id],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            for pk, content in rows:
                if content and not content.startswith(FERNET_PREFIX):
                    cursor.execute(
                        f"UPDATE {table} SET content = %s WHERE id = %s",  # noqa: S608
                        [unse.accounts.crypto.encrypt_text(content), pk],
                    )
            last_id = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("chats", "0001_initial"),
    ]

    operations = [
        *_LINT,
        migrations.AlterField(
            model_name="chatmessage",
            name="content",
            field=unse.accounts.crypto.EncryptedTextField(verbose_name="내용(암호화)"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop, elidable=True),
    ]
