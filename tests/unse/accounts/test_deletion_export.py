"""탈퇴 end to end (purge + anonymize + immediate re-sign-up), 내 정보 내려받기, unverified clean-up."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.management import call_command
from django.utils import timezone

from unse.accounts.models import (
    ActivityEvent,
    ActivityKind,
    ConsentKind,
    ConsentRecord,
    FavouriteDate,
    PersonalApiKey,
    Profile,
    User,
)
from unse.accounts.services.activity import activity_record
from unse.accounts.services.api_keys import api_key_set
from unse.accounts.services.deletion import user_delete

from .factories import PASSWORD, FavouriteFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _full_user():
    user = UserFactory(email="same@example.com")
    ProfileFactory(
        user=user, is_default=True, birth={"datetime": "1990-05-15T14:30:00", "birthplace": "대전"}
    )
    FavouriteFactory(user=user, label="결혼기념일")
    api_key_set(user=user, key="sk-delete-me-12345678")
    ConsentRecord.objects.create(user=user, kind=ConsentKind.PRIVACY_REQUIRED, policy_version="v1")
    activity_record(user_id=user.pk, kind=ActivityKind.READING_CREATED)
    SocialAccount.objects.create(user=user, provider="kakao", uid="424242")
    return user


def test_export_contains_everything_decrypted_but_no_secret(client):
    user = _full_user()
    client.force_login(user)
    response = client.get("/me/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "same@example.com"
    assert data["profiles"][0]["birth"]["datetime"] == "1990-05-15T14:30:00"
    assert data["profiles"][0]["birthplace"] == "대전"
    assert data["favourite_dates"][0]["label"] == "결혼기념일"
    assert data["personal_api_key"]["masked"].endswith("5678")
    assert data["consents"][0]["kind"] == ConsentKind.PRIVACY_REQUIRED
    assert data["statistics"]["readings"] == 1
    assert data["other"]["socialaccount.socialaccount"][0]["uid"] == "424242"
    assert "sk-delete-me" not in response.content.decode()
    assert "password" not in data["other"].get("account.emailaddress", [{}])[0]


def test_delete_purges_personal_data_and_frees_the_email_and_social_account(client):
    user = _full_user()
    client.force_login(user)
    page = client.get("/me/delete/")
    assert "되돌릴 수 없습니다" in page.content.decode()
    assert (
        client.post("/me/delete/", {"confirm": "아니요"}).status_code == 200
    )  # wrong phrase: nothing happens
    assert User.objects.get(pk=user.pk).deleted_at is None

    response = client.post("/me/delete/", {"confirm": "탈퇴"})
    assert response.status_code == 302
    gone = User.objects.get(pk=user.pk)
    assert gone.deleted_at is not None and gone.email == "" and not gone.is_active
    assert gone.username.startswith("deleted-") and not gone.has_usable_password()
    for model in (
        Profile,
        FavouriteDate,
        PersonalApiKey,
        ConsentRecord,
        ActivityEvent,
        EmailAddress,
        SocialAccount,
    ):
        assert not model.objects.filter(user=user).exists(), model
    assert client.get("/api/v1/me").status_code == 401  # the session is gone too

    # The same e-mail and the same Kakao account can sign up again at once (seed 002 #4).
    again = UserFactory(email="same@example.com")
    SocialAccount.objects.create(user=again, provider="kakao", uid="424242")
    assert User.objects.filter(email__iexact="same@example.com", deleted_at__isnull=True).count() == 1


def test_delete_over_the_api_and_old_sessions_die(client):
    from django.test import Client

    user = _full_user()
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)
    bad = client.post(
        "/api/v1/me/delete", data=json.dumps({"confirm": "네"}), content_type="application/json"
    )
    assert bad.status_code == 400
    response = client.post(
        "/api/v1/me/delete", data=json.dumps({"confirm": "탈퇴"}), content_type="application/json"
    )
    assert response.status_code == 204
    assert other_device.get("/api/v1/me").status_code == 401
    assert not Profile.objects.exists()


def test_deleted_user_cannot_log_in_with_old_password(client):
    user = _full_user()
    user_delete(user=user)
    assert not client.login(username=user.username, password=PASSWORD)


def test_delete_unverified_users_dry_run_then_real(capsys):
    old = timezone.now() - timedelta(days=5)
    stale = UserFactory(verified=False)
    User.objects.filter(pk=stale.pk).update(date_joined=old)
    EmailAddress.objects.create(user=stale, email=stale.email, verified=False, primary=True)
    fresh = UserFactory(verified=False)
    verified_old = UserFactory()
    User.objects.filter(pk=verified_old.pk).update(date_joined=old)
    social_old = UserFactory(verified=False)
    User.objects.filter(pk=social_old.pk).update(date_joined=old)
    SocialAccount.objects.create(user=social_old, provider="naver", uid="n-1")

    call_command("delete_unverified_users", "--days", "3", "--dry-run")
    assert "1개" in capsys.readouterr().out
    assert User.objects.filter(pk=stale.pk).exists()

    call_command("delete_unverified_users", "--days", "3")
    assert "1개" in capsys.readouterr().out
    assert not User.objects.filter(pk=stale.pk).exists()
    assert not EmailAddress.objects.filter(email=stale.email).exists()
    assert User.objects.filter(pk__in=[fresh.pk, verified_old.pk, social_old.pk]).count() == 3


def test_children_without_guardian_consent_are_removed_after_the_period(capsys):
    from unse.accounts.forms import ConsentChoices
    from unse.accounts.models import GuardianConsent
    from unse.accounts.services.consent import consent_record_signup

    waiting = UserFactory()  # verified e-mail, but the guardian never answered
    consent_record_signup(
        user=waiting, request=None, choices=ConsentChoices(True, "보호자", "g@example.com", False)
    )
    call_command("delete_unverified_users", "--days", "3")
    assert User.objects.filter(pk=waiting.pk).exists()  # still within the consent period
    GuardianConsent.objects.update(requested_at=timezone.now() - timedelta(days=8))
    call_command("delete_unverified_users", "--days", "3")
    assert not User.objects.filter(pk=waiting.pk).exists()


def test_delete_unverified_users_rejects_bad_days():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "delete_unverified_users", "--days", "0"],
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert result.returncode == 2
    assert "1 이상" in result.stderr and "Traceback" not in result.stderr
