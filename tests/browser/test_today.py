"""오늘의 운세 in a real browser: 일진 of today and the next days, and the daily reading streamed."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import wait_for_reading

pytestmark = pytest.mark.browser


def test_today_for_a_typed_birth(page):
    page.goto("/today/")
    page.get_by_label("년", exact=True).fill("1990")
    page.get_by_label("월", exact=True).select_option("5")
    page.get_by_label("일", exact=True).select_option("15")
    page.get_by_label("태어난 시각").fill("14:30")
    page.get_by_label("여성").check()
    page.get_by_role("button", name="오늘의 운세 보기").click()
    page.wait_for_load_state("domcontentloaded")
    strip = page.get_by_label("오늘부터 7일의 일진")
    assert strip.locator("li").count() == 7
    assert "오늘" in strip.locator('li[aria-current="date"]').inner_text()
    wait_for_reading(page)
    reading = page.locator("#reading")
    assert reading.get_attribute("data-state") == "done", reading.locator("[data-reading-error]").inner_text()
    assert len(reading.locator("[data-reading-body]").inner_text()) > 50
    assert reading.locator("[data-reading-label]").is_visible()
    screenshot(page, "today-360")
