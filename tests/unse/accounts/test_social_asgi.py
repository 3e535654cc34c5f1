"""Kakao/Naver login through the ASGI stack against a loopback stand-in of the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from asgiref.sync import sync_to_async
from django.test import override_settings

from unse.accounts.models import ConsentKind, ConsentRecord, User
from unse.accounts.services.deletion import user_delete
from unse.accounts.social_providers import provider_endpoints_apply

from .oauth_standin import oauth_standin

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDERS = {
    "kakao": {"APPS": [{"client_id": "kakao-test-id", "secret": "kakao-test-secret", "key": ""}]},
    "naver": {"APPS": [{"client_id": "naver-test-id", "secret": "naver-test-secret", "key": ""}]},
    "google": {
        "APPS": [{"client_id": "google-test-id", "secret": "google-test-secret", "key": ""}],
        "OAUTH_PKCE_ENABLED": True,
    },
}
NO_GOOGLE = {**PROVIDERS, "google": {}}


@pytest.fixture
def standin():
    with oauth_standin() as server, override_settings(SOCIALACCOUNT_PROVIDERS=NO_GOOGLE):
        provider_endpoints_apply(
            {"kakao": server.base_url, "naver": server.base_url, "google": server.base_url}
        )
        try:
            yield server
        finally:
            provider_endpoints_apply({})


async def _start(client, provider: str, next_url: str) -> str:
    """Press the provider button; returns the state the provider would echo back."""
    response = await client.post(f"/accounts/{provider}/login/?process=login&next={next_url}")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc.startswith("127.0.0.1:")  # our stand-in, never the internet
    return parse_qs(location.query)["state"][0]


async def test_kakao_signup_with_consent_then_lands_on_next(async_client, standin):
    standin.kakao_user("code-1", uid=424242, email="kakao@example.com")
    login_page = (await async_client.get("/accounts/login/?next=/me/favourites/")).content.decode()
    assert "/accounts/kakao/login/" in login_page and "/accounts/naver/login/" in login_page
    assert "/accounts/google/login/" not in login_page  # no keys → hidden

    state = await _start(async_client, "kakao", "/me/favourites/")
    callback = await async_client.get(f"/accounts/kakao/login/callback/?code=code-1&state={state}")
    assert callback.status_code == 302 and callback["Location"] == "/accounts/3rdparty/signup/"
    assert standin.token_requests[-1]["client_id"] == ["kakao-test-id"]

    form = (await async_client.get("/accounts/3rdparty/signup/")).content.decode()
    assert "개인정보처리방침" in form and "kakao@example.com" in form
    missing = await async_client.post(
        "/accounts/3rdparty/signup/", {"email": "kakao@example.com", "age_group": "over14"}
    )
    assert missing.status_code == 200 and "동의해야 가입할 수 있습니다" in missing.content.decode()

    done = await async_client.post(
        "/accounts/3rdparty/signup/",
        {"email": "kakao@example.com", "age_group": "over14", "agree_privacy": "on"},
    )
    assert done.status_code == 302 and done["Location"] == "/me/favourites/"
    me = await async_client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == "kakao@example.com"
    kinds = await sync_to_async(list)(ConsentRecord.objects.values_list("kind", flat=True))
    assert ConsentKind.PRIVACY_REQUIRED in kinds

    # Next time: straight in, and again back where the user started.
    await async_client.post("/accounts/logout/")
    standin.kakao_user("code-2", uid=424242, email="kakao@example.com")
    state = await _start(async_client, "kakao", "/me/profiles/")
    again = await async_client.get(f"/accounts/kakao/login/callback/?code=code-2&state={state}")
    assert again.status_code == 302 and again["Location"] == "/me/profiles/"
    assert (await async_client.get("/api/v1/me")).status_code == 200


async def test_same_kakao_account_signs_up_again_right_after_deletion(async_client, standin):
    standin.kakao_user("c1", uid=777, email="again@example.com")
    state = await _start(async_client, "kakao", "/me/")
    await async_client.get(f"/accounts/kakao/login/callback/?code=c1&state={state}")
    await async_client.post(
        "/accounts/3rdparty/signup/",
        {"email": "again@example.com", "age_group": "over14", "agree_privacy": "on"},
    )
    first = await sync_to_async(User.objects.get)(email="again@example.com")
    await sync_to_async(user_delete)(user=first)
    await async_client.post("/accounts/logout/")

    standin.kakao_user("c2", uid=777, email="again@example.com")
    state = await _start(async_client, "kakao", "/me/")
    callback = await async_client.get(f"/accounts/kakao/login/callback/?code=c2&state={state}")
    assert callback["Location"] == "/accounts/3rdparty/signup/"  # a new sign-up, not the deleted account
    done = await async_client.post(
        "/accounts/3rdparty/signup/",
        {"email": "again@example.com", "age_group": "over14", "agree_privacy": "on"},
    )
    assert done.status_code == 302
    second = await sync_to_async(User.objects.get)(email="again@example.com", deleted_at__isnull=True)
    assert second.pk != first.pk
    assert (
        await sync_to_async(SocialAccount.objects.filter(uid="777").values_list("user_id", flat=True).get)()
        == second.pk
    )


async def test_naver_forged_state_is_refused_and_real_state_works(async_client, standin):
    standin.naver_user("n1", uid="naver-1", email="naver@example.com")
    await _start(async_client, "naver", "/me/")
    response = await async_client.get("/accounts/naver/login/callback/?code=n1&state=forged")
    assert response.status_code == 401
    assert standin.token_requests == []  # the code was never even exchanged
    assert await sync_to_async(User.objects.count)() == 0
    assert (await async_client.get("/api/v1/me")).status_code == 401

    state = await _start(async_client, "naver", "/me/")
    response = await async_client.get(f"/accounts/naver/login/callback/?code=n1&state={state}")
    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert standin.token_requests[-1]["client_id"] == ["naver-test-id"]


async def test_providers_hidden_without_keys(async_client):
    with override_settings(SOCIALACCOUNT_PROVIDERS={"kakao": {}, "naver": {}, "google": {}}):
        page = (await async_client.get("/accounts/login/")).content.decode()
        assert "/accounts/kakao/login/" not in page and "/accounts/naver/login/" not in page
        response = await async_client.post("/accounts/kakao/login/")
        assert response.status_code == 404


async def test_google_signup_lands_on_next(async_client, standin):
    standin.google_user("g1", uid="g-123", email="google@example.com")
    with override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS):
        assert "/accounts/google/login/" in (await async_client.get("/accounts/login/")).content.decode()
        state = await _start(async_client, "google", "/me/library/")
        callback = await async_client.get(f"/accounts/google/login/callback/?code=g1&state={state}")
        assert callback["Location"] == "/accounts/3rdparty/signup/"
        assert "code_verifier" in standin.token_requests[-1]  # PKCE is on
        done = await async_client.post(
            "/accounts/3rdparty/signup/",
            {"email": "google@example.com", "age_group": "over14", "agree_privacy": "on"},
        )
    assert done.status_code == 302 and done["Location"] == "/me/library/"
    assert (await async_client.get("/api/v1/me")).json()["email"] == "google@example.com"
