"""신년운세, 만세력 and converter pages through Django's test client (the browser tests drive them too)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from unse.core.clock import kst_today
from unse.web.yearly import default_year, year_choices

FORM = {
    "calendar": "solar",
    "year": "1990",
    "month": "5",
    "day": "15",
    "time": "14:30",
    "place": "seoul",
    "gender": "female",
    "mode": "plain",
}
BIRTH = {"datetime": "1990-05-15T14:30", "timezone": "Asia/Seoul", "gender": "female"}


def test_default_year_switches_to_the_next_on_1_december() -> None:
    assert default_year(date(2026, 11, 30)) == 2026
    assert default_year(date(2026, 12, 1)) == 2027
    assert default_year(date(2027, 1, 20)) == 2026  # before 입춘 2027: still the saju year 2026
    assert default_year(date(2027, 2, 10)) == 2027
    assert year_choices(1990, 2027)[:2] == [2027, 1990] and year_choices(1990, 2027)[-1] == 2100


@pytest.mark.django_db
def test_year_form_posts_and_shows_no_birth_in_the_url(client: Client, settings: Any) -> None:
    settings.LLM_PROVIDERS = [
        {"name": "t", "api_key": "k", "base_url": "http://127.0.0.1:9/v1", "model": "m"}
    ]
    page = client.get("/year/").content.decode()
    assert 'method="post"' in page and 'name="fortune_year"' in page
    response = client.post("/year/", {**FORM, "fortune_year": "2027"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2027년 신년운세" in html and "丁未" in html
    assert html.count('class="month-list"') == 1 and html.count("점수 근거") == 12
    assert "한눈에 보기" in html and "점수는 이렇게 나왔습니다" in html
    assert (
        "달마다의 점수: 寅월 25점, 卯월 20점" in html
        and html.count('class="bar-good"') + html.count('class="bar-low"') == 12
    )
    assert "평생의 흐름" in html and "10년 세운 표" in html and "정확한 시작일" in html
    request = json.loads(
        re.search(r'id="reading-request" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert request["year"] == 2027 and request["birth"]["gender"] == "female"
    switch = html.split('aria-label="다른 해 보기"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="gender" value="female">' in switch and "Asia/Seoul" not in switch


@pytest.mark.django_db
def test_without_an_ai_provider_the_page_does_not_repeat_the_rules(client: Client, settings: Any) -> None:
    settings.LLM_PROVIDERS = []
    html = client.post("/year/", {**FORM, "fortune_year": "2027"}).content.decode()
    assert "열두 달" in html and 'id="reading-request"' not in html and "AI 신년운세 풀이" not in html


@pytest.mark.django_db
def test_timeline_span_follows_a_far_year(client: Client) -> None:
    html = client.post("/year/", {"birth": json.dumps(BIRTH), "fortune_year": "2050"}).content.decode()
    assert "세운 점수 (2050–2059년)" in html


@pytest.mark.django_db
def test_year_switch_by_hidden_birth_and_errors(client: Client) -> None:
    html = client.post("/year/", {"birth": json.dumps(BIRTH), "fortune_year": "2031"}).content.decode()
    assert "2031년 신년운세" in html
    too_early = client.post("/year/", {"birth": json.dumps(BIRTH), "fortune_year": "1980"})
    assert too_early.status_code == 400 and "태어난 해(1990년)부터" in too_early.content.decode()
    broken = client.post("/year/", {"birth": "{not json", "fortune_year": "2027"})
    assert broken.status_code == 400 and "입력값을 확인해 주세요" in broken.content.decode()
    missing = client.post("/year/", {**FORM, "gender": ""})
    assert missing.status_code == 400 and "성별이 필요합니다" in missing.content.decode()


@pytest.mark.django_db
def test_chart_page_links_to_the_year_and_shows_the_timeline(client: Client) -> None:
    html = client.post("/saju/", {**FORM, "time_basis": "lmt", "day_change": "23h"}).content.decode()
    entry = html.split('id="year-entry-title"', 1)[1].split("</form>", 1)[0]
    # The 신년운세 form re-posts the birth form's own fields (no birth object, no time-zone id, no URL).
    assert 'action="/year/"' in entry and '<input type="hidden" name="year" value="1990">' in entry
    assert 'name="birth"' not in entry and "Asia/Seoul" not in entry
    switched = client.post(
        "/year/", dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', entry))
    )
    assert switched.status_code == 200 and "신년운세" in switched.content.decode()
    assert "평생의 흐름" in html and html.count('role="listitem"') == 20  # two layouts of the ten bands
    assert 'tabindex="0"' in html and "지금 대운" in html


@pytest.mark.django_db
def test_calendar_month_page(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from unse.web import almanac

    monkeypatch.setattr(almanac, "kst_today", lambda: date(2026, 12, 24))
    assert client.get("/calendar/")["Location"] == "/calendar/2026/12/"
    html = client.get("/calendar/2026/12/").content.decode()
    assert (
        "2026년 12월 만세력" in html
        and 'href="/calendar/2026/11/"' in html
        and 'href="/calendar/2027/1/"' in html
    )
    assert 'id="d-2026-12-24" aria-current="date"' in html
    assert "대설 11:52" in html and "기독탄신일" in html
    jump = client.get("/calendar/", {"date": "2027-02-04"})
    assert jump["Location"] == "/calendar/2027/2/#d-2027-02-04"
    assert client.get("/calendar/", {"date": "내일"}).status_code == 400
    missing = client.get("/calendar/2101/1/")
    assert missing.status_code == 404 and "1900–2100년" in missing.content.decode()


@pytest.mark.django_db
def test_calendar_personal_layer(client: Client, django_user_model: Any) -> None:
    from unse.accounts.models import FavouriteDate
    from unse.accounts.services.profiles import profile_create

    user = django_user_model.objects.create_user(
        username="y1", email="y1@example.com", password="pw-123456789"
    )
    profile_create(user=user, label="나", birth=BIRTH, is_default=True)
    FavouriteDate.objects.create(user=user, day=date(2026, 12, 25), label="크리스마스 약속")
    client.force_login(user)
    html = client.get("/calendar/2026/12/").content.decode()
    assert "★ 크리스마스 약속" in html
    assert "내 일지 辰(진)과 부딪혀(戌辰충)" in html  # 2026-12-02 is a 戌 day; the chart's 일지 is 辰
    assert "토(土) 기운(용신)" in html


@pytest.mark.django_db
def test_converter(client: Client) -> None:
    page = client.get("/calendar/convert/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    ok = client.post(
        "/calendar/convert/", {"direction": "lunar", "year": "2023", "month": "2", "day": "1", "leap": "on"}
    )
    html = ok.content.decode()
    assert ok.status_code == 200 and "2023년 3월 22일" in html and "윤2월" in html
    no_leap = client.post(
        "/calendar/convert/", {"direction": "lunar", "year": "2024", "month": "2", "day": "1", "leap": "on"}
    )
    assert (
        no_leap.status_code == 400
        and "윤" in no_leap.content.decode()
        and 'role="alert"' in no_leap.content.decode()
    )
    out = client.post("/calendar/convert/", {"direction": "solar", "year": "2101", "month": "1", "day": "1"})
    assert out.status_code == 400 and "2100" in out.content.decode()
    bad = client.post("/calendar/convert/", {"direction": "solar", "year": "2026", "month": "2", "day": "30"})
    assert bad.status_code == 400 and "양력 달력에 없는 날짜" in bad.content.decode()


@pytest.mark.django_db
def test_calendar_api_caching(client: Client) -> None:
    first = client.get("/api/v1/calendar/2026/12")
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=86400"
    etag = first["ETag"]
    doc = json.loads(first.content)
    assert doc["year"] == 2026 and len(doc["days"]) == 31
    again = client.get("/api/v1/calendar/2026/12", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert client.get("/api/v1/calendar/2026/11")["ETag"] != etag
    bad = client.get("/api/v1/calendar/2026/13")
    error = json.loads(bad.content)["error"]
    assert (
        bad.status_code == 400 and error["code"] == "VALIDATION_ERROR" and "월은 1월부터" in error["message"]
    )


@pytest.mark.django_db
def test_one_tap_from_a_saved_profile(client: Client, django_user_model: Any) -> None:
    from unse.accounts.services.profiles import profile_create

    owner = django_user_model.objects.create_user(
        username="y2", email="y2@example.com", password="pw-123456789"
    )
    other = django_user_model.objects.create_user(
        username="y3", email="y3@example.com", password="pw-123456789"
    )
    profile = profile_create(user=owner, label="엄마", birth=BIRTH, relation="family")
    client.force_login(owner)
    listing = client.get("/me/profiles/").content.decode()
    assert f'name="profile" value="{profile.public_id}"' in listing and 'action="/year/"' in listing
    assert "엄마의" in client.get("/year/").content.decode()
    html = client.post("/year/", {"profile": str(profile.public_id)}).content.decode()
    assert f"{default_year(kst_today())}년 신년운세" in html
    assert "열두 달" in html
    client.force_login(other)
    assert client.post("/year/", {"profile": str(profile.public_id)}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("birth", "year"),
    [
        ({"datetime": "2030-03-01T10:00", "timezone": "Asia/Seoul", "gender": "male"}, 2100),  # future birth
        ({"datetime": "1900-01-05T10:00", "timezone": "Asia/Seoul", "gender": "female"}, 1900),  # first year
        (
            {"datetime": "1990-05-15", "timezone": "Asia/Seoul", "time_unknown": True},
            2027,
        ),  # no hour, no gender
    ],
)
def test_edges_of_the_range_render(client: Client, birth: dict[str, object], year: int) -> None:
    response = client.post("/year/", {"birth": json.dumps(birth), "fortune_year": str(year)})
    assert response.status_code == 200
    assert f"{year}년 신년운세" in response.content.decode()


@pytest.mark.django_db
def test_the_timeline_span_is_chosen_on_the_year_page(client: Client) -> None:
    html = client.post("/year/", {**FORM, "fortune_year": "2027"}).content.decode()
    span = html.split('aria-label="다른 10년 보기"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', span))
    assert fields["fortune_year"] == "2027" and fields["gender"] == "female" and 'name="span_from"' in span
    chosen = client.post("/year/", {**fields, "span_from": "2040"}).content.decode()
    assert "2027년 신년운세" in chosen and "세운 점수 (2040–2049년)" in chosen
    assert client.post("/year/", {**fields, "span_from": "1950"}).status_code == 200  # kept within range
