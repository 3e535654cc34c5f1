"""The personal pages in the web UI (forms → services) and the public privacy policy."""

from __future__ import annotations

import pytest

from unse.accounts.models import FavouriteDate, PersonalApiKey, Profile, User

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


PROFILE = {
    "label": "나",
    "relation": "self",
    "calendar": "solar",
    "year": "1990",
    "month": "5",
    "day": "15",
    "time": "14:30",
    "place": "seoul",
    "gender": "female",
}


def test_profile_form_creates_edits_and_reports_errors(client, owner):
    response = client.post("/me/profiles/", PROFILE)
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.is_default and profile.birth["datetime"] == "1990-05-15T14:30:00"
    page = client.get("/me/profiles/").content.decode()
    assert "나" in page and "1990-05-15" in page and "서울" in page and "Asia/Seoul" not in page

    missing_time = client.post("/me/profiles/", {**PROFILE, "label": "동생", "time": ""})
    assert "태어난 시각을 입력하거나" in missing_time.content.decode()
    no_gender = client.post("/me/profiles/", {**PROFILE, "label": "동생", "gender": ""})
    assert "성별이 필요합니다" in no_gender.content.decode()
    bad_solar = client.post(
        "/me/profiles/", {**PROFILE, "label": "동생", "month": "2", "day": "30", "time_unknown": "on"}
    )
    assert bad_solar.status_code == 400 and "달력에 없는 날짜입니다" in bad_solar.content.decode()
    assert Profile.objects.filter(user=owner).count() == 1

    edit = client.post(
        f"/me/profiles/{profile.public_id}/",
        {
            **PROFILE,
            "label": "본인",
            "time": "",
            "time_unknown": "on",
            "calendar": "lunar",
            "daily_fortune": "on",
        },
    )
    assert edit.status_code == 302
    profile.refresh_from_db()
    assert profile.label == "본인" and profile.birth["time_unknown"] and profile.birth["calendar"] == "lunar"
    assert profile.daily_fortune


def test_profile_form_keeps_the_city_time_zone_and_a_lunar_30th(client, owner):
    """New York is a city with its zone and longitude (not free text saved as Asia/Seoul), and the
    day select holds a lunar 2/30, which a date picker would erase."""
    response = client.post(
        "/me/profiles/",
        {**PROFILE, "place": "newyork", "calendar": "lunar", "month": "2", "day": "30", "year": "1990"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.birth["timezone"] == "America/New_York"
    assert profile.birth["longitude"] == -74.006
    assert profile.birth["datetime"].startswith("1990-02-30") and profile.birth["calendar"] == "lunar"
    edit_page = client.get(f"/me/profiles/{profile.public_id}/").content.decode()
    assert '<option value="newyork" selected>' in edit_page
    assert '<option value="30" selected>' in edit_page
    assert "뉴욕" in client.get("/me/profiles/").content.decode()


def test_each_profile_has_one_tap_readings(client, owner):
    ProfileFactory(user=owner, label="나", is_default=True)
    sister = ProfileFactory(user=owner, label="언니")
    page = client.get("/me/profiles/").content.decode()
    assert f'href="/saju/p/{sister.public_id}/"' in page
    assert f'href="/today/p/{sister.public_id}/"' in page
    chart = client.get(f"/saju/p/{sister.public_id}/")
    assert chart.status_code == 200 and "사주팔자" in chart.content.decode()
    today = client.get(f"/today/p/{sister.public_id}/").content.decode()
    # One tap switches the 오늘의 운세 between the family's profiles.
    assert f'href="/today/p/{sister.public_id}/" aria-current="page"' in today
    assert "나</a>" in today


def test_a_profile_page_of_someone_else_is_not_found(client, owner):
    stranger = ProfileFactory(label="남")
    assert client.get(f"/saju/p/{stranger.public_id}/").status_code == 404
    assert client.get(f"/today/p/{stranger.public_id}/").status_code == 404


def test_the_home_form_is_prefilled_from_the_default_profile(client, owner):
    mine = ProfileFactory(user=owner, label="나", is_default=True)
    html = client.get("/").content.decode()
    assert "내 프로필로 보기" in html and f'href="/saju/p/{mine.public_id}/"' in html
    year = str(mine.birth["datetime"])[:4]
    assert f'value="{year}"' in html


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


def test_a_superuser_from_createsuperuser_can_log_in_without_a_mail(client):
    from django.core.management import call_command

    call_command("createsuperuser", interactive=False, username="boss", email="boss@example.com")
    user = User.objects.get(username="boss")
    user.set_password("a-long-passphrase-42")
    user.save()
    response = client.post(
        "/accounts/login/", {"login": "boss@example.com", "password": "a-long-passphrase-42"}, follow=True
    )
    assert response.wsgi_request.user.is_authenticated
    assert "로그인했습니다." in response.content.decode()  # the notice, on whatever page comes next


def test_login_page_reads_naturally(client):
    html = client.get("/accounts/login/").content.decode()
    assert "로그인 상태 유지" in html and "아이디 저장" not in html
    assert "이메일:" not in html and "비밀번호:" not in html
