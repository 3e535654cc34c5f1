"""사주 입력 → 결과 → streamed reading in a real browser (anonymous visitor, built-in interpreter)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import allow_failure, screenshot
from tests.browser.helpers import fill_birth, submit, wait_for_reading

pytestmark = pytest.mark.browser


def test_anonymous_chart_and_streamed_reading(page):
    fill_birth(page, year="1990", month="5", day="15", time="14:30", name="홍길동")
    submit(page)
    assert page.locator("h1").inner_text() == "홍길동님의 사주"
    table = page.locator("table.pillars")
    for glyph in ["庚", "午", "辛", "巳", "辰", "未"]:
        assert glyph in table.inner_text()
    assert page.locator(".balance svg rect").count() == 10
    assert page.locator(".timeline li[aria-current]").count() == 1
    reading = page.locator("#reading")
    wait_for_reading(page)
    screenshot(page, "result-360")
    assert reading.get_attribute("data-state") == "done", reading.locator("[data-reading-error]").inner_text()
    assert reading.locator("[data-reading-label]").is_visible()
    body = reading.locator("[data-reading-body]")
    # 한눈에 보기 comes first on the page (before the 명식); the reading's sections are panels, closed on a phone.
    assert page.locator("[data-glance]").is_visible()
    assert page.locator("[data-glance]").bounding_box()["y"] < table.bounding_box()["y"]
    panels = body.locator("details.reading-panel")
    assert panels.count() >= 5
    assert "한눈에 보기" not in panels.locator("summary").all_inner_texts()
    assert panels.first.get_attribute("open") is not None  # the first section is open
    assert len(panels.first.inner_text()) > 200
    second = panels.nth(1)
    assert second.get_attribute("open") is None  # the others wait for a tap on a phone
    second.locator("summary").click()
    assert len(second.inner_text()) > 100
    assert body.locator("h3, p").count() > 1, "Markdown is rendered, not shown raw"
    assert "##" not in body.inner_text()
    # A term explains itself on tap.
    term = panels.first.locator("button.term").first
    note = page.locator(f"#{term.get_attribute('aria-controls')}")
    assert note.is_hidden()
    term.click()
    assert note.is_visible() and len(note.inner_text()) > len(term.inner_text()) + 5
    assert term.get_attribute("aria-expanded") == "true"
    assert reading.locator("[data-reading-error]").is_hidden()


def test_lunar_leap_month(page):
    fill_birth(page, year="2020", month="4", day="1", time="09:00", lunar=True, leap=True)
    submit(page)
    assert re.search(r"음력\(윤달\) 2020-04-01", page.locator("#birth-summary").inner_text())
    assert page.locator("table.pillars").is_visible()


def test_time_unknown(page):
    fill_birth(page, year="1985", month="12", day="3", time=None, gender="남성")
    submit(page)
    assert "시간 모름" in page.locator("table.pillars").inner_text()
    screenshot(page, "result-time-unknown-360")


def test_repeated_dst_wall_time_asks_which(page):
    fill_birth(page, year="1988", month="10", day="9", time="02:30")
    submit(page)
    question = page.locator("#fold-question")
    assert question.is_visible()
    assert "두 번" in question.inner_text()
    screenshot(page, "fold-question-360")
    question.get_by_label("두 번째 (바뀐 뒤 시각)").check()
    submit(page)
    assert page.locator("table.pillars").is_visible()


def test_nonexistent_wall_time_says_so(page):
    fill_birth(page, year="1987", month="5", day="10", time="02:30")
    submit(page)
    assert "실제로 없었습니다" in page.locator("#time-error").inner_text()


def _route_stream(page, *, status: int, body: str, content_type: str) -> None:
    page.route(
        "**/api/v1/readings/stream",
        lambda route: route.fulfill(status=status, body=body, headers={"Content-Type": content_type}),
    )


def test_rate_limited_answer_gets_its_own_message(page):
    # The server's 429 JSON error object, as the readings API sends it before any stream starts.
    _route_stream(
        page,
        status=429,
        content_type="application/json",
        body=(
            '{"error": {"code": "RATE_LIMITED", "message": "x", "request_id": "req-1", '
            '"details": {"retry_after": 700, "login_helps": true}}}'
        ),
    )
    allow_failure(page, "/api/v1/readings/stream")
    fill_birth(page, year="1991", month="1", day="2", time="03:04")
    submit(page)
    wait_for_reading(page)
    box = page.locator("[data-reading-error]")
    # The wait in Korean (700 s → about 12 minutes), the way to a higher limit, the code only small.
    assert "약 12분 뒤에 다시 볼 수 있어요." in box.locator("[data-error-message]").inner_text()
    assert box.get_by_role("link", name="로그인").is_visible()
    assert "RATE_LIMITED" not in box.locator("[data-error-message]").inner_text()
    support = box.locator(".support-ref")
    assert "req-1" in support.inner_text()
    assert float(support.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) < 16
    assert page.get_by_role("button", name="다시 시도").is_visible()
    page.unroute("**/api/v1/readings/stream")


def test_error_event_mid_stream_keeps_the_text_and_names_the_code(page):
    stream = (
        ": stream open\n\n"
        'event: meta\ndata: {"cached": false, "request_id": "req-2"}\n\n'
        'event: delta\ndata: {"text": "## 성품\\n\\n단단한 무쇠입니다."}\n\n'
        'event: error\ndata: {"error": {"code": "AI_TIMEOUT", "message": "x", "request_id": "req-2", "details": {}}}\n\n'
    )
    _route_stream(page, status=200, content_type="text/event-stream", body=stream)
    fill_birth(page, year="1991", month="1", day="2", time="03:04")
    submit(page)
    wait_for_reading(page)
    assert "단단한 무쇠입니다." in page.locator("[data-reading-body]").inner_text()
    assert "AI 응답이 너무 늦어 중단했습니다." in page.locator("[data-reading-error]").inner_text()


def test_stream_cut_without_done_is_reported(page):
    stream = 'event: meta\ndata: {"cached": false}\n\nevent: delta\ndata: {"text": "시작"}\n\n'
    _route_stream(page, status=200, content_type="text/event-stream", body=stream)
    fill_birth(page, year="1991", month="1", day="2", time="03:04")
    submit(page)
    wait_for_reading(page)
    assert "풀이를 받는 도중 연결이 끊겼습니다." in page.locator("[data-reading-error]").inner_text()
