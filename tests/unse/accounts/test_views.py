"""The personal pages in the web UI (forms → services) and the public privacy policy."""

from __future__ import annotations

import pytest

from unse.accounts.models import FavouriteDate, PersonalApiKey, Profile

from .factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_privacy_policy_is_a_real_korean_page(client):
    response = client.get("/privacy/")
    html = response.content.decode()
    assert response.status_code == 200
    for phrase in (
        "개인정보처리방침",
        "보유 기간",
        "국외 이전",
        "개인정보 보호책임자",
        "만 14세 미만",
        "파기",
    ):
        assert phrase in html, phrase


def test_privacy_policy_names_the_hosts_of_the_configured_ai_providers(client, settings):
    settings.LLM_PROVIDERS = [
        {"name": "primary", "base_url": "https://api.openai.example/v1", "api_key": "k1", "model": "m"},
        {"name": "backup", "base_url": "https://api.deepseek.example/v1", "api_key": "k2", "model": "m"},
        # Without a key a provider is never called, and a loopback stand-in is not an overseas transfer.
        {"name": "off", "base_url": "https://unused.example/v1", "api_key": "", "model": "m"},
        {"name": "local", "base_url": "http://127.0.0.1:9/v1", "api_key": "k3", "model": "m"},
    ]
    html = client.get("/privacy/").content.decode()
    assert "api.deepseek.example, api.openai.example" in html
    assert "unused.example" not in html and "127.0.0.1" not in html


def test_profile_form_creates_edits_and_reports_errors(client, owner):
    response = client.post(
        "/me/profiles/",
        {
            "label": "나",
            "relation": "self",
            "birth_date": "1990-05-15",
            "birth_time": "14:30",
            "calendar": "solar",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.is_default and profile.birth["datetime"] == "1990-05-15T14:30:00"
    page = client.get("/me/profiles/").content.decode()
    assert "나" in page and "1990-05-15" in page

    missing_time = client.post(
        "/me/profiles/",
        {"label": "동생", "relation": "family", "birth_date": "1995-01-01", "calendar": "solar"},
    )
    assert "태어난 시각을 입력하거나" in missing_time.content.decode()
    bad_lunar = client.post(
        "/me/profiles/",
        {
            "label": "동생",
            "relation": "family",
            "birth_date": "1995-02-30",
            "calendar": "solar",
            "time_unknown": "on",
        },
    )
    assert bad_lunar.status_code == 200 and Profile.objects.filter(user=owner).count() == 1

    edit = client.post(
        f"/me/profiles/{profile.public_id}/",
        {
            "label": "본인",
            "relation": "self",
            "birth_date": "1990-05-15",
            "time_unknown": "on",
            "calendar": "lunar",
            "daily_fortune": "on",
        },
    )
    assert edit.status_code == 302
    profile.refresh_from_db()
    assert profile.label == "본인" and profile.birth["time_unknown"] and profile.birth["calendar"] == "lunar"
    assert profile.daily_fortune


def test_favourite_form_shows_d_day_and_iljin(client, owner):
    ProfileFactory(user=owner, label="나", is_default=True)
    response = client.post(
        "/me/favourites/", {"day": "2026-11-23", "label": "면접", "memo": "", "colour": "red"}
    )
    assert response.status_code == 302
    html = client.get("/me/favourites/").content.decode()
    assert "면접" in html and "신축(辛丑)일" in html and "겁재의 날" in html
    assert FavouriteDate.objects.filter(user=owner).count() == 1


def test_api_key_page_never_shows_the_key(client, owner):
    secret = "sk-page-secret-key-98765"
    response = client.post("/me/api-key/", {"key": secret, "base_url": "", "model": ""})
    assert response.status_code == 302
    html = client.get("/me/api-key/").content.decode()
    assert secret not in html and "8765" in html
    client.post("/me/api-key/", {"action": "delete"})
    assert not PersonalApiKey.objects.exists()


def test_dashboard_shows_statistics(client, owner):
    html = client.get("/me/").content.decode()
    assert "나의 이용 통계" in html and owner.email in html
