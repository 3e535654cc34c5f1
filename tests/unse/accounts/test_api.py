"""The personal space over /api/v1/me: CRUD, owner scoping (404 per model), no-store, query counts."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection

from unse.accounts.models import FavouriteDate, PersonalApiKey, Profile
from unse.accounts.services.api_keys import api_key_set

from .factories import FavouriteFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

BIRTH = {"datetime": "1990-05-15T14:30", "calendar": "solar", "gender": "female"}


@pytest.fixture
def owner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _post(client, path, payload, method="post"):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data=json.dumps(payload), content_type="application/json")


def test_anonymous_gets_auth_required_in_the_error_shape(client):
    response = client.get("/api/v1/me/profiles")
    assert response.status_code == 401
    body = response.json()["error"]
    assert body["code"] == "AUTH_REQUIRED" and "로그인" in body["message"] and body["request_id"]
    assert "no-store" in response["Cache-Control"]


def test_profile_crud_and_default_rules(client, owner):
    first = _post(client, "/api/v1/me/profiles", {"label": "나", "birth": BIRTH, "birthplace": "서울"})
    assert first.status_code == 201
    assert first.json()["is_default"] is True  # the first profile becomes the default
    assert first.json()["birth"]["datetime"] == "1990-05-15T14:30:00"
    assert "no-store" in first["Cache-Control"]
    second = _post(
        client,
        "/api/v1/me/profiles",
        {
            "label": "엄마",
            "relation": "family",
            "birth": {"datetime": "1962-03-01", "time_unknown": True, "calendar": "lunar"},
        },
    ).json()
    assert second["is_default"] is False and second["birth"]["time_unknown"] is True

    patched = _post(
        client, f"/api/v1/me/profiles/{second['id']}", {"is_default": True, "daily_fortune": True}, "patch"
    )
    assert patched.json()["is_default"] is True
    listing = client.get("/api/v1/me/profiles").json()["items"]
    assert [p["label"] for p in listing] == ["엄마", "나"]
    assert sum(p["is_default"] for p in listing) == 1

    assert client.delete(f"/api/v1/me/profiles/{second['id']}").status_code == 204
    remaining = client.get("/api/v1/me/profiles").json()["items"]
    assert [(p["label"], p["is_default"]) for p in remaining] == [("나", True)]


def test_invalid_birth_is_a_validation_error_with_engine_code(client, owner):
    response = _post(
        client, "/api/v1/me/profiles", {"label": "나", "birth": {"datetime": "1990-02-30T10:00"}}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"]["engine_code"] == "INVALID_DATE"
    assert "존재하지 않는 날짜" in error["message"]


def test_birth_data_is_encrypted_at_rest(owner):
    ProfileFactory(user=owner, birth={"datetime": "1990-05-15T14:30:00", "birthplace": "부산광역시"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT birth FROM accounts_profile")
        (raw,) = cursor.fetchone()
    assert "1990" not in raw and "부산" not in raw and raw.startswith("gAAAA")
    assert Profile.objects.get().birth["birthplace"] == "부산광역시"


def test_favourites_show_d_day_and_iljin_against_default_profile(client, owner):
    ProfileFactory(user=owner, label="나", is_default=True)
    created = _post(
        client,
        "/api/v1/me/favourites",
        {"day": "2026-11-23", "label": "면접", "memo": "긴장 금지", "colour": "red"},
    )
    assert created.status_code == 201
    item = created.json()
    assert item["iljin"]["pillar"] == "辛丑" and item["iljin"]["pillar_hangul"] == "신축"
    # Day master 庚 (1990-05-15) meets 辛 → 겁재.
    assert item["iljin"]["profile"] == "나" and item["iljin"]["ten_god"] == "겁재"
    assert item["d_day_label"].startswith(("D-", "D+")) or item["d_day_label"] == "D-day"

    bad = _post(client, "/api/v1/me/favourites", {"day": "2026-12-01", "label": "x", "colour": "chartreuse"})
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "colour"

    patched = _post(client, f"/api/v1/me/favourites/{item['id']}", {"label": "최종 면접"}, "patch").json()
    assert patched["label"] == "최종 면접" and patched["memo"] == "긴장 금지"
    assert client.delete(f"/api/v1/me/favourites/{item['id']}").status_code == 204
    assert client.get("/api/v1/me/favourites").json()["items"] == []


def test_d_day_labels():
    from unse.accounts.selectors.favourites import d_day_label

    assert (d_day_label(0), d_day_label(3), d_day_label(-2)) == ("D-day", "D-3", "D+2")


def test_api_key_is_encrypted_and_only_shown_masked(client, owner):
    secret = "sk-test-0123456789abcdefWXYZ"
    response = _post(client, "/api/v1/me/api-key", {"key": secret, "model": "gpt-4o-mini"}, "put")
    assert response.status_code == 200
    assert secret not in response.content.decode()
    assert response.json()["masked"].endswith("WXYZ")
    assert secret not in client.get("/api/v1/me/api-key").content.decode()
    assert secret not in client.get("/api/v1/me/export").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_personalapikey")
        (raw,) = cursor.fetchone()
    assert secret not in raw
    from unse.accounts.selectors.api_keys import personal_api_key_get

    assert personal_api_key_get(user_id=owner.pk).key == secret
    assert client.delete("/api/v1/me/api-key").status_code == 204
    assert client.get("/api/v1/me/api-key").status_code == 404


def test_api_key_rejects_plain_http_base_url(client, owner):
    response = _post(
        client, "/api/v1/me/api-key", {"key": "sk-abcdefgh123", "base_url": "http://example.com"}, "put"
    )
    assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "base_url"


# --- owner scoping: someone else's object answers 404, exactly like a missing one ---------------------


def test_foreign_profile_is_404(client, owner):
    other = ProfileFactory()
    for method in ("get", "patch", "delete"):
        response = _post(client, f"/api/v1/me/profiles/{other.public_id}", {"label": "x"}, method)
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert client.get(f"/api/v1/me/profiles/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/me/profiles/1").status_code == 404
    assert Profile.objects.get(pk=other.pk).label == other.label
    assert client.get(f"/me/profiles/{other.public_id}/").status_code == 404
    assert client.post(f"/me/profiles/{other.public_id}/delete/").status_code == 404
    assert client.post(f"/me/profiles/{other.public_id}/default/").status_code == 404


def test_foreign_favourite_is_404(client, owner):
    other = FavouriteFactory()
    for method in ("get", "patch", "delete"):
        response = _post(client, f"/api/v1/me/favourites/{other.public_id}", {"label": "x"}, method)
        assert response.status_code == 404, method
    assert client.get(f"/me/favourites/{other.public_id}/").status_code == 404
    assert client.post(f"/me/favourites/{other.public_id}/delete/").status_code == 404
    assert FavouriteDate.objects.filter(pk=other.pk).exists()


def test_foreign_api_key_is_never_reachable(client, owner):
    api_key_set(user=UserFactory(), key="sk-someone-elses-key-1234")
    assert client.get("/api/v1/me/api-key").status_code == 404
    assert client.delete("/api/v1/me/api-key").status_code == 404
    assert PersonalApiKey.objects.count() == 1


# --- constant query counts --------------------------------------------------------------------------


def _count_queries(client, path):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path", ["/api/v1/me/profiles", "/api/v1/me/favourites", "/me/profiles/", "/me/favourites/"]
)
def test_list_pages_run_a_constant_number_of_queries(client, owner, path, django_assert_num_queries):
    ProfileFactory(user=owner, is_default=True)
    FavouriteFactory(user=owner)
    client.get(path)  # warm up (session, content types)
    baseline = _count_queries(client, path)
    FavouriteFactory.create_batch(15, user=owner)
    ProfileFactory.create_batch(10, user=owner)
    with django_assert_num_queries(baseline):
        assert client.get(path).status_code == 200


def test_personal_pages_are_no_store(client, owner):
    for path in ("/me/", "/me/profiles/", "/me/favourites/", "/me/api-key/", "/me/delete/", "/me/export/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    for path in ("/api/v1/me", "/api/v1/me/stats", "/api/v1/me/favourites", "/api/v1/me/export"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_personal_pages_require_login(client):
    response = client.get("/me/profiles/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/login/?next=/me/profiles/"
    )


def test_api_writes_need_the_csrf_token():
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    user = UserFactory()
    browser.force_login(user)
    payload = json.dumps({"label": "나", "birth": BIRTH})
    refused = browser.post("/api/v1/me/profiles", data=payload, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "CSRF_FAILED"
    assert not Profile.objects.exists()
    browser.get("/me/profiles/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/me/profiles", data=payload, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201
