"""Outbox retries, field-encryption key rotation, admin access logging."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from unse.accounts.crypto import DecryptionError
from unse.accounts.models import AdminAccessLog, EmailOutbox, OutboxStatus, Profile
from unse.accounts.services.outbox import outbox_deliver, outbox_deliver_due, outbox_enqueue

from .factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _enqueue(django_capture_on_commit_callbacks, *, execute=True):
    with django_capture_on_commit_callbacks(execute=execute):
        return outbox_enqueue(
            message=EmailMessage(subject="제목", body="본문", to=["to@example.com"]),
            template="t",
            user_id=None,
        )


@override_settings(OUTBOX_MAX_ATTEMPTS=3, OUTBOX_RETRY_BASE_SECONDS=10)
def test_outbox_retries_with_backoff_then_gives_up(django_capture_on_commit_callbacks):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")):
        row = _enqueue(django_capture_on_commit_callbacks)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        first_delay = row.next_attempt_at - timezone.now()
        assert timedelta(seconds=5) < first_delay <= timedelta(seconds=10)
        assert outbox_deliver_due().due == 0  # not due yet: the backoff is respected
        for expected in (2, 3):
            EmailOutbox.objects.update(next_attempt_at=timezone.now())
            outbox_deliver_due()
            row.refresh_from_db()
            assert row.attempts == expected
    assert row.status == OutboxStatus.FAILED and "smtp down" in row.last_error
    assert mail.outbox == []


def test_outbox_sends_once_even_when_kicked_twice(django_capture_on_commit_callbacks):
    row = _enqueue(django_capture_on_commit_callbacks, execute=False)
    assert outbox_deliver(outbox_id=row.pk) is True
    assert outbox_deliver(outbox_id=row.pk) is False
    assert outbox_deliver_due().due == 0
    assert len(mail.outbox) == 1


def test_outbox_row_not_written_on_rollback(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _enqueue(django_capture_on_commit_callbacks, execute=False)
        raise RuntimeError("rolled back")
    assert EmailOutbox.objects.count() == 0 and callbacks == [] and mail.outbox == []


def test_deliver_outbox_command_and_sent_rows_are_purged(django_capture_on_commit_callbacks, capsys):
    row = _enqueue(django_capture_on_commit_callbacks, execute=False)
    call_command("deliver_outbox")
    assert "1개를 보냈습니다" in capsys.readouterr().out
    EmailOutbox.objects.filter(pk=row.pk).update(sent_at=timezone.now() - timedelta(days=400))
    call_command("deliver_outbox")
    assert not EmailOutbox.objects.filter(pk=row.pk).exists()


def test_key_rotation_reencrypts_and_old_key_can_be_dropped():
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        profile = ProfileFactory(birth={"datetime": "1990-05-15T14:30:00"})
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert Profile.objects.get(pk=profile.pk).birth["datetime"] == "1990-05-15T14:30:00"
        call_command("rotate_field_encryption")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert Profile.objects.get(pk=profile.pk).birth["datetime"] == "1990-05-15T14:30:00"
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(DecryptionError),
    ):
        Profile.objects.get(pk=profile.pk)


def test_missing_keys_fail_the_system_check_outside_dev():
    from unse.accounts.apps import check_field_encryption_keys

    with override_settings(FIELD_ENCRYPTION_KEYS=[], FIELD_ENCRYPTION_ALLOW_DERIVED_KEY=False):
        errors = check_field_encryption_keys()
    assert [e.id for e in errors] == ["accounts.E001"]
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]):
        assert [e.id for e in check_field_encryption_keys()] == ["accounts.E001"]


def test_admin_views_of_personal_data_are_logged(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    profile = ProfileFactory(birth={"datetime": "1990-05-15T14:30:00", "birthplace": "광주"})
    client.force_login(staff)
    assert client.get("/admin/accounts/profile/").status_code == 200
    detail = client.get(f"/admin/accounts/profile/{profile.pk}/change/")
    assert detail.status_code == 200
    assert "1990" not in detail.content.decode() and "광주" not in detail.content.decode()
    assert client.get(f"/admin/accounts/user/{profile.user_id}/change/").status_code == 200
    logs = list(
        AdminAccessLog.objects.order_by("id").values_list(
            "staff_username", "action", "model_label", "object_id"
        )
    )
    assert logs == [
        (staff.username, "list", "accounts.Profile", ""),
        (staff.username, "view", "accounts.Profile", str(profile.pk)),
        (staff.username, "view", "accounts.User", str(profile.user_id)),
    ]


def test_raw_guardian_email_is_not_stored_in_clear(client):
    from unse.accounts.forms import ConsentChoices
    from unse.accounts.services.consent import consent_record_signup

    user = UserFactory()
    consent_record_signup(
        user=user, request=None, choices=ConsentChoices(True, "김보호", "guardian@example.com", False)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian_email, guardian_name FROM accounts_guardianconsent")
        row = cursor.fetchone()
    assert "guardian@" not in row[0] and "김" not in row[1]


def test_celery_tasks_call_the_services(django_capture_on_commit_callbacks):
    from unse.accounts import tasks

    _enqueue(django_capture_on_commit_callbacks, execute=False)
    assert tasks.deliver_outbox.apply().get() == 1
    assert tasks.delete_unverified_users.apply(args=(3,)).get() == 0
    assert len(mail.outbox) == 1
