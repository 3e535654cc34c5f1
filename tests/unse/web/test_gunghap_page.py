"""The 궁합 page through Django's test client: POST forms (no birth data in URLs), errors per person,
profiles for logged-in users, both charts, the relation diagram, the score bars and both readings."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from saju.birth import BirthInput
from unse.accounts.models import Profile, User

pytestmark = pytest.mark.django_db


def person(side: str, **changes: str) -> dict[str, str]:
    base = {
        "calendar": "solar",
        "year": "1990",
        "month": "5",
        "day": "15",
        "time": "14:30",
        "place": "seoul",
        "gender": "female",
    }
    if side == "b":
        base.update(year="1988", month="2", day="3", time="09:10", gender="male")
    base.update(changes)
    return {f"{side}-{key}": value for key, value in base.items()}


def post(client, relation: str = "couple", **people: dict[str, str]):
    data = {"relation": relation, **person("a"), **person("b")}
    for fields in people.values():
        data.update(fields)
    return client.post("/gunghap/", data)


def test_form_page_has_two_forms_and_posts(client):
    html = client.get("/gunghap/").content.decode()
    assert 'method="post"' in html and 'name="a-year"' in html and 'name="b-year"' in html
    assert "첫째 사람 (A)" in html and "둘째 사람 (B)" in html and 'name="relation"' in html
    assert "궁합" in client.get("/").content.decode()  # linked from the home page and the nav


def test_result_shows_both_charts_relations_scores_and_readings(client):
    response = post(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="pillars"') == 2
    charts = html[html.index('data-chart="a"') :]
    assert charts.index(">시주<") < charts.index(">일주<") < charts.index(">월주<") < charts.index(">년주<")
    assert 'data-relation="子辰 반합(水)"' in html  # the two day branches
    assert html.count("data-category-score=") == 7
    score = int(re.search(r'data-score="(\d+)"', html).group(1))
    assert 0 <= score <= 100
    assert "한눈에 보기" in html and "data-rule-reading" in html
    payload = json.loads(
        re.search(r'<script id="reading-request" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert set(payload) == {"a", "b", "relation"} and payload["a"]["datetime"].startswith("1990-05-15")
    assert 'data-stream-url="/api/v1/gunghap/reading?stream=1"' in html


def test_errors_name_the_person_and_keep_both_forms(client):
    response = post(client, b=person("b", day="31", month="2"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "둘째 사람(B)" in html and 'name="a-year"' in html
    response = post(client, a=person("a", year=""))
    assert response.status_code == 400 and "태어난 해를 입력해 주세요." in response.content.decode()


def test_relation_changes_weights_and_words(client):
    couple = post(client, "couple").content.decode()
    work = post(client, "work").content.decode()
    assert "연인·부부" in couple and "동료·사업" in work
    assert "× 1.5" in couple and "× 1.5" in work  # 일지 for a couple, 오행 for work


def test_logged_in_user_picks_a_saved_profile(client):
    user = User.objects.create_user(username="gh", email="gh@example.com", password="pw-1234-long")
    birth = BirthInput.from_mapping(
        {"datetime": "1990-05-15T14:30", "gender": "female", "longitude": 126.978}
    ).to_mapping()
    profile = Profile.objects.create(
        user=user, label="나", birth={**birth, "birthplace": "서울"}, is_default=True
    )
    client.force_login(user)
    form = client.get(f"/gunghap/?a={profile.public_id}").content.decode()
    assert f'<option value="{profile.public_id}" selected>' in form
    profiles_page = client.get(reverse("accounts:profiles")).content.decode()
    assert f'href="/gunghap/?a={profile.public_id}">궁합 보기</a>' in profiles_page
    response = client.post(
        "/gunghap/", {"relation": "friend", "a-profile": str(profile.public_id), **person("b")}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "친구" in html
    payload = json.loads(
        re.search(r'<script id="reading-request" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert payload["a"]["datetime"].startswith("1990-05-15") and payload["relation"] == "friend"
    # Someone else's profile id is not found, never used.
    other = User.objects.create_user(username="gh2", email="gh2@example.com", password="pw-1234-long")
    client.force_login(other)
    assert client.post("/gunghap/", {"a-profile": str(profile.public_id), **person("b")}).status_code == 404
