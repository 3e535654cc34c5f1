"""Sign-up, verification, login, `next`, logout and rate limits through the ASGI stack (AsyncClient)."""

from __future__ import annotations

import re
import uuid
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from django.core import mail
from django.test import override_settings

from tests.unse.accounts.factories import PASSWORD, signup_form
from unse.accounts.models import ConsentKind, ConsentRecord, EmailOutbox, GuardianConsent, OutboxStatus, User

pytestmark = pytest.mark.django_db(transaction=True)


def _email() -> str:
    return f"u{uuid.uuid4().hex[:12]}@example.com"


def _link(body: str, pattern: str) -> str:
    found = re.search(pattern, body)
    assert found, body
    return found.group(0)


@sync_to_async
def _user_state(email: str) -> tuple[int, int, list[str], list[str]]:
    users = User.objects.filter(email=email)
    outbox = list(EmailOutbox.objects.filter(to_email=email).values_list("status", flat=True))
    kinds = list(ConsentRecord.objects.filter(user__email=email).values_list("kind", flat=True))
    return users.count(), EmailAddress.objects.filter(email=email, verified=True).count(), outbox, kinds


async def test_signup_verify_login_next_and_logout(async_client):
    email = _email()
    page = await async_client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "개인정보처리방침" in html and "만 14세" in html

    response = await async_client.post("/accounts/signup/", signup_form(email))
    assert response.status_code == 302
    users, verified, outbox, kinds = await _user_state(email)
    assert users == 1 and verified == 0
    assert outbox == [OutboxStatus.SENT]
    assert sorted(kinds) == sorted([ConsentKind.PRIVACY_REQUIRED, ConsentKind.AGE_14_OR_OVER])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]

    # Unverified: login is held at the verification stage, no session.
    await async_client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert (await async_client.get("/api/v1/me")).status_code == 401

    confirm = _link(mail.outbox[0].body, r"/accounts/confirm-email/[^\s]+/")
    assert (await async_client.get(confirm)).status_code == 200
    await async_client.post(confirm)
    _, verified, _, _ = await _user_state(email)
    assert verified == 1
    await async_client.post("/accounts/logout/")
    assert (await async_client.get("/api/v1/me")).status_code == 401

    response = await async_client.post(
        "/accounts/login/?next=/me/favourites/",
        {"login": email, "password": PASSWORD, "next": "/me/favourites/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/favourites/"
    me = await async_client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == email

    response = await async_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert (await async_client.get("/api/v1/me")).status_code == 401


async def test_login_rejects_foreign_next(async_client):
    email = _email()
    await async_client.post("/accounts/signup/", signup_form(email))
    await sync_to_async(EmailAddress.objects.filter(email=email).update)(verified=True)
    response = await async_client.post(
        "/accounts/login/", {"login": email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


async def test_signup_without_privacy_consent_creates_nothing(async_client):
    email = _email()
    data = signup_form(email)
    del data["agree_privacy"]
    response = await async_client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert "개인정보 수집·이용에 동의해야" in response.content.decode()
    assert await _user_state(email) == (0, 0, [], [])
    assert mail.outbox == []


async def test_signup_rolls_back_user_and_outbox_together(async_client):
    """A failure after the outbox row was written leaves neither the account nor the mail (seed 002 #5)."""
    from unse.accounts import adapters

    email = _email()
    original = adapters.outbox_enqueue
    written = []

    def enqueue_then_fail(**kwargs):
        written.append(original(**kwargs))
        raise RuntimeError("the database went away after the outbox row")

    with mock.patch.object(adapters, "outbox_enqueue", enqueue_then_fail):
        async_client.raise_request_exception = False
        response = await async_client.post("/accounts/signup/", signup_form(email))
    assert response.status_code == 500
    assert len(written) == 1  # the row was written inside the transaction…
    assert await _user_state(email) == (0, 0, [], [])  # …and rolled back with the account
    assert await sync_to_async(EmailOutbox.objects.count)() == 0
    assert mail.outbox == []


async def test_mail_failure_keeps_account_with_pending_mail(async_client):
    """SMTP down at sign-up: the account exists with its pending mail, delivered by the retry run."""
    email = _email()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")):
        response = await async_client.post("/accounts/signup/", signup_form(email))
    assert response.status_code == 302
    users, _, outbox, _ = await _user_state(email)
    assert users == 1 and outbox == [OutboxStatus.PENDING]
    row = await sync_to_async(EmailOutbox.objects.get)(to_email=email)
    assert row.attempts == 1 and "smtp down" in row.last_error

    from unse.accounts.services.outbox import outbox_deliver_due

    await sync_to_async(EmailOutbox.objects.update)(next_attempt_at=row.created_at)
    run = await sync_to_async(outbox_deliver_due)()
    assert run.sent == 1
    assert [m.to for m in mail.outbox] == [[email]]


async def test_under_14_needs_guardian_before_login(async_client):
    email = _email()
    guardian = _email()
    response = await async_client.post(
        "/accounts/signup/",
        signup_form(email, age_group="under14", guardian_name="김보호", guardian_email=guardian),
    )
    assert response.status_code == 200
    assert "법정대리인 동의를 기다리고" in response.content.decode()
    assert [m for m in mail.outbox if m.to == [email]], "the child's own verification mail is sent too"
    guardian_mail = [m for m in mail.outbox if m.to == [guardian]]
    assert len(guardian_mail) == 1 and "법정대리인" in guardian_mail[0].subject
    await sync_to_async(EmailAddress.objects.filter(email=email).update)(verified=True)

    refused = await async_client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "법정대리인 동의를 기다리고" in refused.content.decode()
    assert (await async_client.get("/api/v1/me")).status_code == 401

    link = _link(guardian_mail[0].body, r"/accounts/guardian/[^\s]+/")
    assert (await async_client.get(link)).status_code == 200  # a prefetching scanner does not consent
    assert await sync_to_async(GuardianConsent.objects.filter(confirmed_at__isnull=True).count)() == 1
    done = await async_client.post(link)
    assert "동의해 주셔서 감사합니다" in done.content.decode()
    _, _, _, kinds = await _user_state(email)
    assert ConsentKind.GUARDIAN in kinds

    response = await async_client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert (await async_client.get("/api/v1/me")).status_code == 200


async def test_under_14_missing_guardian_is_a_form_error(async_client):
    email = _email()
    response = await async_client.post("/accounts/signup/", signup_form(email, age_group="under14"))
    assert response.status_code == 200
    assert "법정대리인 이메일이 필요합니다" in response.content.decode()
    assert (await _user_state(email))[0] == 0


@override_settings(ACCOUNTS_UNDER_14_POLICY="refuse")
async def test_under_14_refused_when_configured(async_client):
    email = _email()
    response = await async_client.post(
        "/accounts/signup/",
        signup_form(email, age_group="under14", guardian_name="김", guardian_email=_email()),
    )
    assert response.status_code == 200
    assert "만 14세 미만은 가입할 수 없습니다" in response.content.decode()
    assert (await _user_state(email))[0] == 0


async def test_failed_logins_lock_the_account_then_the_ip(async_client):
    email = _email()
    await async_client.post("/accounts/signup/", signup_form(email))
    await sync_to_async(EmailAddress.objects.filter(email=email).update)(verified=True)
    for _ in range(5):
        response = await async_client.post(
            "/accounts/login/", {"login": email, "password": "wrong-password-1"}
        )
        assert response.status_code == 200
    # Even the right password is refused now: brute force cannot reach it.
    response = await async_client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "로그인 실패가 감지" in response.content.decode()
    assert (await async_client.get("/api/v1/me")).status_code == 401

    statuses = []
    for n in range(35):
        response = await async_client.post(
            "/accounts/login/", {"login": f"x{n}@example.com", "password": "nope-nope-1"}
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert "요청이 너무 많습니다" in response.content.decode()


async def test_signups_are_rate_limited(async_client):
    statuses = []
    for _ in range(12):
        data = signup_form(_email())
        del data["agree_privacy"]  # invalid forms still count against the limit
        statuses.append((await async_client.post("/accounts/signup/", data)).status_code)
    assert 429 in statuses and statuses[0] == 200


async def test_password_reset_is_rate_limited_and_goes_through_outbox(async_client):
    email = _email()
    await async_client.post("/accounts/signup/", signup_form(email))
    mail.outbox.clear()
    statuses = [
        (await async_client.post("/accounts/password/reset/", {"email": email})).status_code for _ in range(5)
    ]
    assert statuses[0] == 302 and statuses[-1] == 429
    assert len(mail.outbox) >= 1 and mail.outbox[0].to == [email]
    assert await sync_to_async(EmailOutbox.objects.filter(template__contains="password_reset").count)() >= 1


async def test_signup_and_login_pages_are_not_cached(async_client):
    for path in ("/accounts/signup/", "/accounts/login/"):
        response = await async_client.get(path)
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


async def test_last_seen_is_refreshed_at_most_hourly_and_personal_paths_are_no_store(async_client):
    email = _email()
    await async_client.post("/accounts/signup/", signup_form(email))
    await sync_to_async(EmailAddress.objects.filter(email=email).update)(verified=True)
    await async_client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    await async_client.get("/me/")
    first = (await sync_to_async(User.objects.get)(email=email)).last_seen_at
    assert first is not None
    await async_client.get("/me/")
    assert (await sync_to_async(User.objects.get)(email=email)).last_seen_at == first
    email_page = await async_client.get("/accounts/email/")
    assert email_page.status_code == 200 and "no-store" in email_page["Cache-Control"]
