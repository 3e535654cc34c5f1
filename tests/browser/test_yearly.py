"""신년운세, 만세력 and the converter in a real Chromium, on a desktop and a 390 px phone."""

from __future__ import annotations

import re

import pytest

from tests.browser import test_ai
from tests.browser.conftest import screenshot
from tests.browser.helpers import wait_for_reading
from tests.fakellm_fixture import FakeLLMHandle

pytestmark = pytest.mark.browser

# A server whose provider is the fake LLM (the fixtures of the AI browser tests).
ai_server = test_ai.ai_server
ai_page = test_ai.ai_page
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("size", SIZES)
def test_year_page_from_the_form(page, size: str) -> None:
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    page.goto("/year/")
    page.get_by_label("년", exact=True).fill("1990")
    page.get_by_label("월", exact=True).select_option("5")
    page.get_by_label("일", exact=True).select_option("15")
    page.get_by_label("태어난 시각").fill("14:30")
    page.get_by_label("여성").check()
    page.get_by_label("볼 해 (입춘부터 다음 입춘 전까지)").select_option("2027")
    page.get_by_role("button", name="신년운세 보기").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/year/")  # POST: no birth data in the address
    assert page.get_by_role("heading", name="2027년 신년운세", exact=True).is_visible()
    assert page.locator(".month-list > li").count() == 12
    # The 대운 bands are reachable by keyboard and tell their exact start date.
    layout = ".tl-wide" if size == "desktop" else ".tl-narrow"  # the drawing CSS shows at this width
    band = page.locator(f"{layout} g.band").first
    assert band.evaluate("e => e.tabIndex") == 0
    band.focus()
    note = page.locator(f"{layout} [data-tap-note]")
    assert re.search(r"정확한 시작일 \d{4}년 \d{1,2}월 \d{1,2}일", note.inner_text())
    page.locator(f"{layout} g.band").nth(3).click()
    assert "4번째 대운" in note.inner_text()
    assert page.locator(".sewoon-table tbody tr").count() == 10
    no_sideways_scroll(page, viewport["width"])
    assert page.locator("#reading").count() == 0  # no AI provider here: the rules reading is the page
    screenshot(page, f"year-{size}")
    # Another year from the page itself (the birth travels in a hidden field, not in the URL).
    page.get_by_label("볼 해 (입춘부터 다음 입춘 전까지)").first.select_option("2030")
    page.get_by_role("button", name="이 해로 보기").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", name="2030년 신년운세", exact=True).is_visible()


@pytest.mark.parametrize("size", SIZES)
def test_calendar_month_grid(page, size: str) -> None:
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    page.goto("/calendar/")
    today = page.locator('[aria-current="date"]')
    assert today.count() == 1 and "오늘" in today.inner_text()
    no_sideways_scroll(page, viewport["width"])
    page.get_by_label("날짜로 이동").fill("2026-12-07")
    page.get_by_role("button", name="이동").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/calendar/2026/12/#d-2026-12-07")
    day = page.locator("#d-2026-12-07")
    assert "대설 11:52" in day.inner_text() and "庚子" in day.inner_text()
    no_sideways_scroll(page, viewport["width"])
    screenshot(page, f"calendar-{size}")
    page.get_by_role("link", name="다음 달 →").click()
    assert page.get_by_role("heading", name="2027년 1월 만세력").is_visible()
    page.get_by_role("link", name="← 이전 달").click()
    assert page.get_by_role("heading", name="2026년 12월 만세력").is_visible()


@pytest.mark.parametrize("size", SIZES)
def test_converter(page, size: str) -> None:
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    page.goto("/calendar/convert/")
    page.get_by_label("음력 → 양력").check()
    page.get_by_label("윤달 (음력일 때)").check()
    page.get_by_label("년", exact=True).fill("2024")
    page.get_by_label("월", exact=True).fill("2")
    page.get_by_label("일", exact=True).fill("1")
    page.get_by_role("button", name="변환하기").click()
    page.wait_for_load_state("domcontentloaded")
    alert = page.get_by_role("alert")
    assert "윤" in alert.inner_text()
    page.get_by_label("년", exact=True).fill("2023")
    page.get_by_role("button", name="변환하기").click()
    page.wait_for_load_state("domcontentloaded")
    result = page.locator(".convert-result")
    assert "2023년 3월 22일" in result.inner_text() and "윤2월" in result.inner_text()
    no_sideways_scroll(page, viewport["width"])
    screenshot(page, f"convert-{size}")


def test_year_page_streams_the_ai_reading(ai_page, fake_llm: FakeLLMHandle) -> None:
    fake_llm.control(tps=400)
    ai_page.set_viewport_size(SIZES["phone"])
    ai_page.goto("/year/")
    ai_page.get_by_label("년", exact=True).fill("1985")
    ai_page.get_by_label("월", exact=True).select_option("11")
    ai_page.get_by_label("일", exact=True).select_option("2")
    ai_page.get_by_label("태어난 시각").fill("08:00")
    ai_page.get_by_label("남성").check()
    ai_page.get_by_label("볼 해 (입춘부터 다음 입춘 전까지)").select_option("2028")
    ai_page.get_by_role("button", name="신년운세 보기").click()
    ai_page.wait_for_load_state("domcontentloaded")
    wait_for_reading(ai_page)
    reading = ai_page.locator("#reading")
    assert reading.get_attribute("data-state") == "done", reading.locator("[data-reading-error]").inner_text()
    assert "AI가 생성한 풀이입니다" in reading.locator("[data-reading-label]").inner_text()
    body = fake_llm.last_request()["body"]["messages"][1]["content"]
    assert '"신년운세"' in body and '"year":2028' in body and "1985" not in body
    no_sideways_scroll(ai_page, SIZES["phone"]["width"])
