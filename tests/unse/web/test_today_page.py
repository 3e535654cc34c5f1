"""오늘의 운세 page: from a typed birth (anyone) or from the default profile (logged in)."""

from __future__ import annotations

import json
import re

import pytest

from saju.birth import BirthInput
from unse.accounts.models import Profile, User

BIRTH_QUERY = {
    "calendar": "solar",
    "year": "1990",
    "month": "5",
    "day": "15",
    "time": "14:30",
    "place": "seoul",
    "gender": "female",
    "time_basis": "lmt",
    "day_change": "23h",
}


def _json_block(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"{element_id} is embedded"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_anonymous_visitor_gets_the_form(client):
    html = client.get("/today/").content.decode()
    assert "오늘의 운세 보기" in html
    assert 'action="/today/"' in html
    assert 'name="mode"' not in html, "the daily reading has one fixed style"


@pytest.mark.django_db
def test_typed_birth_shows_seven_days_of_iljin_and_streams_the_daily_reading(client):
    response = client.post("/today/", BIRTH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<li aria-current="date">') == 1
    timeline = html[html.index('aria-label="오늘부터 7일의 일진"') :]
    assert timeline[: timeline.index("</ol>")].count("<li") == 7
    assert 'data-stream-url="/api/v1/daily?stream=1"' in html
    request = _json_block(html, "reading-request")
    assert request["birth"]["datetime"].startswith("1990-05-15T14:30")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", request["date"])


@pytest.mark.django_db
def test_logged_in_user_with_a_default_profile_sees_the_stored_fortune(client):
    user = User.objects.create_user(username="today", email="today@example.com", password="pw-1234-long")
    birth = BirthInput.from_mapping(
        {"datetime": "1990-05-15T14:30", "gender": "female", "longitude": 126.978}
    ).to_mapping()
    Profile.objects.create(user=user, label="나", birth={**birth, "birthplace": "서울"}, is_default=True)
    client.force_login(user)
    html = client.get("/today/").content.decode()
    assert 'data-json-url="/api/v1/fortunes/today"' in html
    assert "庚午 辛巳 庚辰" in html
    assert 'id="reading-request"' not in html, (
        "the birth is not sent from the page: the server knows the profile"
    )


@pytest.mark.django_db
def test_a_jie_day_without_time_says_the_month_depends_on_the_hour(client):
    query = {**BIRTH_QUERY, "year": "2024", "month": "2", "day": "4", "time_unknown": "on"}
    query.pop("time")
    html = client.post("/today/", query).content.decode()
    assert "data-month-uncertain" in html and "연주·월주가 달라질 수 있습니다" in html
    assert "data-month-uncertain" not in client.post("/today/", BIRTH_QUERY).content.decode()
