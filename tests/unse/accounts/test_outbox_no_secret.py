"""The outbox keeps no readable account link (issue 20, finding 1): bodies are encrypted at rest, blanked
once sent or failed for good, never shown in the admin; sent and failed rows are purged on schedule."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from unse.accounts.models import EmailOutbox, OutboxStatus
from unse.accounts.services.outbox import outbox_deliver, outbox_enqueue

from .factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://unse.example/accounts/password/reset/key/7-abc123-secret/"


def _enqueue() -> EmailOutbox:
    return outbox_enqueue(
        message=EmailMessage(subject="비밀번호 재설정", body=f"링크:\n{LINK}\n", to=["me@example.com"]),
        template="account/email/password_reset_key",
        user_id=None,
    )


def _raw_bodies(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_text, body_html FROM accounts_emailoutbox WHERE id = %s", [pk])
        text, html = cursor.fetchone()
    return text, html


def test_a_pending_row_holds_no_readable_link(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = _enqueue()
    text, _ = _raw_bodies(row.pk)
    assert "secret" not in text and "unse.example" not in text and text.startswith("gAAAA")
    assert outbox_deliver(outbox_id=row.pk) is True
    assert LINK in mail.outbox[0].body  # the mail itself carries the link
    assert _raw_bodies(row.pk) == ("", "")  # and the row keeps nothing once sent


@override_settings(OUTBOX_MAX_ATTEMPTS=1)
def test_a_row_that_failed_for_good_keeps_no_body(django_capture_on_commit_callbacks):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        row = _enqueue()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert _raw_bodies(row.pk) == ("", "")


@override_settings(OUTBOX_FAILED_RETENTION_DAYS=7, OUTBOX_SENT_RETENTION_DAYS=30)
def test_failed_rows_are_purged_on_schedule(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        old, recent = _enqueue(), _enqueue()
    EmailOutbox.objects.update(status=OutboxStatus.FAILED)
    EmailOutbox.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    call_command("deliver_outbox")
    assert list(EmailOutbox.objects.values_list("pk", flat=True)) == [recent.pk]


def test_admin_never_shows_a_body(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = _enqueue()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    detail = client.get(f"/admin/accounts/emailoutbox/{row.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "me@example.com" in html and "secret" not in html and "본문" not in html
