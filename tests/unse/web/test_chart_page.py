"""The 사주 입력 and 결과 pages through Django's test client (the browser tests drive the same pages)."""

from __future__ import annotations

import json
import re

import pytest

BASE = {
    "calendar": "solar",
    "year": "1990",
    "month": "5",
    "day": "15",
    "time": "14:30",
    "place": "seoul",
    "gender": "female",
    "mode": "plain",
    "time_basis": "lmt",
    "day_change": "23h",
}


def _reading_request(html: str) -> dict:
    match = re.search(r'<script id="reading-request" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the result page embeds the reading request as JSON data"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_home_has_every_field_labelled(client):
    html = client.get("/").content.decode()
    for label in [
        "이름 (선택)",
        "양력",
        "음력",
        "윤달",
        "태어난 시각",
        "시간 모름",
        "태어난 곳",
        "여성",
        "남성",
        "고급 설정",
        "시각 기준",
        "자시(子時) 처리",
    ]:
        assert label in html
    # The defaults are the engine's (지방평균시, 조자시) and each convention is explained in one line.
    assert "<strong>지방평균시 (경도 보정)</strong> (기본)" in html
    assert "<strong>조자시 (23시 기준)</strong> (기본)" in html
    # The name input has no name attribute, so the form can never submit it.
    assert re.search(r'<input type="text" id="id_name" data-local-name', html)


@pytest.mark.django_db
def test_chart_page_shows_the_four_pillars_and_never_the_name(client):
    response = client.post("/saju/", {**BASE, "name": "홍길동"})
    assert response.status_code == 200
    html = response.content.decode()
    # 1990-05-15 14:30 KST Seoul: 庚午년 辛巳월 庚辰일; 지방평균시 13:58 → 未시 (癸未).
    for glyph in ["庚", "午", "辛", "巳", "辰", "未"]:
        assert glyph in html
    assert "시주" in html and "지장간" in html and "대운" in html and "세운" in html
    request = _reading_request(html)
    assert request["mode"] == "plain"
    assert request["birth"]["datetime"].startswith("1990-05-15T14:30")
    assert "홍길동" not in json.dumps(request, ensure_ascii=False)


@pytest.mark.django_db
def test_time_unknown_gives_three_pillars(client):
    params = {**BASE, "time_unknown": "on"}
    params.pop("time")
    response = client.post("/saju/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "시간 모름" in html
    assert _reading_request(html)["birth"]["time_unknown"] is True


@pytest.mark.django_db
def test_lunar_leap_month_is_converted(client):
    # 2020 had a leap 4th lunar month: 윤4월 1일 = 2020-05-23 (solar).
    response = client.post(
        "/saju/", {**BASE, "calendar": "lunar", "leap": "on", "year": "2020", "month": "4", "day": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "음력(윤달) 2020-04-01" in html
    birth = _reading_request(html)["birth"]
    assert birth["calendar"] == "lunar" and birth["leap"] is True


@pytest.mark.django_db
def test_a_leap_month_that_did_not_exist_is_explained(client):
    response = client.post(
        "/saju/", {**BASE, "calendar": "lunar", "leap": "on", "year": "2021", "month": "4", "day": "1"}
    )
    assert response.status_code == 400
    assert "윤달 여부와 날짜를 확인해 주세요" in response.content.decode()


@pytest.mark.django_db
def test_repeated_wall_time_asks_which_one(client):
    # 1988-10-09 03:00 KDT → 02:00 KST: 02:30 happened twice.
    params = {**BASE, "year": "1988", "month": "10", "day": "9", "time": "02:30"}
    response = client.post("/saju/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "이 시각은 두 번 있었습니다" in html
    assert 'name="fold"' in html
    answered = client.post("/saju/", {**params, "fold": "1"})
    assert answered.status_code == 200
    assert _reading_request(answered.content.decode())["birth"]["fold"] == 1


@pytest.mark.django_db
def test_nonexistent_wall_time_says_so(client):
    # 1987-05-10 02:00 KST → 03:00 KDT: 02:30 never happened.
    response = client.post("/saju/", {**BASE, "year": "1987", "month": "5", "day": "10", "time": "02:30"})
    assert response.status_code == 400
    assert "이 시각은 실제로 없었습니다" in response.content.decode()


@pytest.mark.django_db
def test_missing_fields_get_specific_korean_messages(client):
    response = client.post(
        "/saju/", {"calendar": "solar", "year": "", "month": "5", "day": "15", "place": "seoul"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "태어난 해를 입력해 주세요." in html
    assert "태어난 시각을 입력하거나 &#x27;시간 모름&#x27;을 선택해 주세요." in html
    assert "대운 방향을 정하려면 성별이 필요합니다" in html


@pytest.mark.django_db
def test_result_embeds_a_message_for_every_error_code(client):
    from unse.core.errors import ErrorCode

    html = client.post("/saju/", BASE).content.decode()
    match = re.search(r'<script id="error-messages" type="application/json">(.*?)</script>', html, re.S)
    messages = json.loads(match.group(1))
    for code in ErrorCode:
        assert messages[code.name] == code.message
    assert len(set(messages.values())) == len(messages), "no two codes share one catch-all message"


@pytest.mark.django_db
def test_no_inline_script_or_style(client):
    for html in (client.get("/").content.decode(), client.post("/saju/", BASE).content.decode()):
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'type="module"' in tag or 'type="application/json"' in tag
        assert " style=" not in html
        assert not re.search(r"<[^>]+\son[a-z]+=", html), "no inline event handlers"


@pytest.mark.django_db
def test_the_form_posts_so_no_birth_reaches_a_url(client):
    html = client.get("/").content.decode()
    assert re.search(r'<form id="birth-form"[^>]*method="post"[^>]*action="/saju/"', html)
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.django_db
def test_a_birth_in_the_query_is_not_computed_but_sent_back_to_the_form(client):
    response = client.get("/saju/", BASE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "입력 양식으로만 볼 수 있습니다" in html
    assert "庚辰" not in html  # no chart was computed from the URL
    assert 'value="1990"' not in html  # nor does the URL's birth come back in the page


@pytest.mark.django_db
def test_the_result_reopens_the_form_by_post_with_the_same_input(client):
    html = client.post("/saju/", BASE).content.decode()
    edit = re.search(r'<form method="post" action="/" class="inline">(.*?)</form>', html, re.S)
    assert edit, "입력 고치기 posts the input back to the form"
    assert '<input type="hidden" name="year" value="1990">' in edit.group(1)
    reopened = client.post(
        "/", dict(re.findall(r'name="(\w+)" value="([^"]*)"', edit.group(1)))
    ).content.decode()
    assert 'value="1990"' in reopened
    assert re.search(r'<option value="15" selected>', reopened)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("mode", "<script>", "풀이 말투"),
        ("time_basis", "zzz", "시각 기준"),
        ("fold", "7", "두 번 있었던 시각 중"),
    ],
)
def test_a_tampered_value_is_explained_in_korean(client, field, value, label):
    response = client.post("/saju/", {**BASE, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{label}: 고를 수 없는 값이 들어왔습니다." in html
    assert "<script>" not in html.split("<main", 1)[1]


@pytest.mark.django_db
def test_a_link_without_the_advanced_settings_uses_the_engine_defaults(client):
    params = {k: v for k, v in BASE.items() if k not in ("time_basis", "day_change", "mode")}
    response = client.post("/saju/", params)
    assert response.status_code == 200
    request = _reading_request(response.content.decode())
    assert request["birth"]["time_basis"] == "lmt" and request["birth"]["day_change"] == "23h"
    assert request["mode"] == "plain"


@pytest.mark.django_db
def test_the_1954_switch_to_utc_0830_also_asks_which(client):
    # 1954-03-21 00:00 KST became 1954-03-20 23:30 (+8:30): 23:30–24:00 that evening happened twice.
    response = client.post("/saju/", {**BASE, "year": "1954", "month": "3", "day": "20", "time": "23:45"})
    assert response.status_code == 400
    assert "이 시각은 두 번 있었습니다" in response.content.decode()


@pytest.mark.django_db
def test_the_1961_jump_says_the_time_never_happened(client):
    # 1961-08-10 00:00 (+8:30) became 00:30 (+9:00): 00:00–00:30 never happened.
    response = client.post("/saju/", {**BASE, "year": "1961", "month": "8", "day": "10", "time": "00:15"})
    assert response.status_code == 400
    assert "이 시각은 실제로 없었습니다" in response.content.decode()


@pytest.mark.django_db
def test_a_jie_day_without_time_shows_both_possible_charts(client):
    """Issue 14 #6: 2024-02-04 without a time — 입춘 at 17:27 splits the year, the month and the 대운 direction."""
    params = {**BASE, "year": "2024", "month": "2", "day": "4", "time_unknown": "on"}
    params.pop("time")
    html = client.post("/saju/", params).content.decode()
    assert "태어난 시간에 따라 달라지는 사주" in html and "17:27" in html and "절기(입춘)" in html
    section = html.split("data-month-uncertain", 1)[1].split("</section>", 1)[0]
    assert "癸卯" in section and "乙丑" in section and "甲辰" in section and "丙寅" in section
    assert "순행" in section and "역행" in section and "(이 화면의 기준)" in section


@pytest.mark.django_db
def test_daewoon_card_uses_one_age_rule(client):
    """Issue 14 #12: the age and the year agree (세는 나이 3세 = 1992년 for a 1990 birth), the count named."""
    html = client.post("/saju/", BASE).content.decode()
    assert "대운수 3(세는 나이)" in html and "첫 대운은 세는 나이 3세, 1992년부터" in html
    assert "3년 1개월" not in html


@pytest.mark.django_db
def test_a_birth_in_the_future_is_refused_on_the_year_field(client):
    """Issue 14 #5 on the page: no chart analysis for someone not yet born, said in the form's words."""
    response = client.post("/saju/", {**BASE, "year": "2031"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "아직 오지 않은 날짜입니다" in html and "기준일" not in html


@pytest.mark.django_db
def test_the_result_opens_with_the_glance_and_shows_what_was_corrected(client):
    html = client.post(
        "/saju/", {**BASE, "year": "1988", "month": "7", "day": "15", "time": "09:00"}
    ).content.decode()
    main = html.split("<main", 1)[1]
    assert main.index("한눈에 보기") < main.index("사주팔자")
    # 1988 was a DST summer in Korea: the clock is an hour ahead, Seoul's longitude 32 minutes behind 135°E.
    assert "서머타임 −60분, 경도 보정 −32분 → 07:27 기준" in html
    assert "음력으로는 1988년 6월 2일입니다." in html
    # What the reader sees (text, not the hidden form values that carry the birth to the next page).
    visible = re.sub(r"<[^>]*>", " ", main.split('id="reading-request"')[0])
    assert "서울" in visible and "Asia/Seoul" not in visible
    assert '<script id="glossary" type="application/json">' in html


@pytest.mark.django_db
def test_a_lunar_birth_shows_its_solar_date(client):
    html = client.post(
        "/saju/", {**BASE, "calendar": "lunar", "year": "1990", "month": "2", "day": "30", "time": "10:00"}
    ).content.decode()
    assert "양력으로는 1990년 3월 26일입니다." in html


@pytest.mark.django_db
def test_topic_readings_have_pages_linked_from_the_chart(client):
    html = client.post("/saju/", BASE).content.decode()
    assert '<input type="hidden" name="topic" value="love">' in html
    love = client.post("/saju/", {**BASE, "topic": "love"}).content.decode()
    assert _reading_request(love)["topic"] == "love"
    assert "연애 풀이" in love
    unknown = client.post("/saju/", {**BASE, "topic": "<x>"}).content.decode()
    assert "topic" not in _reading_request(unknown)


@pytest.mark.django_db
def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")


@pytest.mark.django_db
def test_logout_is_one_tap_and_says_so_on_the_next_page(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="u1", email="u1@example.com", password="pw-12345678"
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/" class="inline">', html)
    page = client.post("/accounts/logout/", follow=True)
    assert page.redirect_chain[-1][0] == "/" and "로그아웃했습니다." in page.content.decode()


@pytest.mark.django_db
def test_the_site_is_an_installable_web_app(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html and 'name="theme-color"' in html
    response = client.get("/manifest.webmanifest")
    document = json.loads(response.content)
    assert response["Content-Type"].startswith("application/manifest+json")
    assert (
        document["name"] == "사주 명식"
        and document["start_url"] == "/"
        and document["display"] == "standalone"
    )
    assert {icon["purpose"] for icon in document["icons"]} == {"any", "maskable"}
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript") and b'"/offline/"' in worker.content
    assert "인터넷에 연결되어 있지 않습니다" in client.get("/offline/").content.decode()
