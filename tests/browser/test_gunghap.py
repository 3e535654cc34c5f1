"""궁합 in a real browser, on a desktop and on a 390 px phone: two forms → both charts, relation lines,
score bars, the rule-based reading at once and the AI (built-in) reading streamed under it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import LiveServer, new_page, screenshot
from tests.browser.helpers import wait_for_reading

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def desktop(browser: object, live_server_url: LiveServer) -> Iterator[object]:
    yield from new_page(browser, live_server_url, DESKTOP)


@pytest.fixture
def phone(browser: object, live_server_url: LiveServer) -> Iterator[object]:
    yield from new_page(browser, live_server_url, PHONE_390)


def fill_person(page, side: str, *, year: str, month: str, day: str, time: str | None, gender: str) -> None:
    person = page.locator(f'[data-person="{side}"]')
    person.get_by_label("년", exact=True).fill(year)
    person.get_by_label("월", exact=True).select_option(month)
    person.get_by_label("일", exact=True).select_option(day)
    if time is None:
        person.get_by_label("시간 모름").check()
    else:
        person.get_by_label("태어난 시각").fill(time)
    person.get_by_label(gender).check()


def run_gunghap(page, relation: str = "연인·부부", *, b_time: str | None = "09:10") -> None:
    page.goto("/")
    menu = page.get_by_role("button", name="메뉴")
    if menu.is_visible():  # a phone's header folds the links behind one button
        menu.click()
    page.get_by_role("navigation").get_by_role("link", name="궁합").click()
    page.get_by_label("두 사람의 관계").select_option(label=relation)
    fill_person(page, "a", year="1990", month="5", day="15", time="14:30", gender="여성")
    fill_person(page, "b", year="1988", month="2", day="3", time=b_time, gender="남성")
    page.get_by_role("button", name="궁합 보기").click()
    page.wait_for_load_state("domcontentloaded")


def check_result(page) -> None:
    assert "/gunghap/" in page.url and "1990" not in page.url, "no birth data in the URL"
    assert page.locator("table.pillars").count() == 2
    assert page.locator(".relation-diagram line.rel").count() >= 1
    assert page.locator(".score-bars > li").count() == 7
    assert page.locator("[data-glance] li").count() >= 3
    assert "일지(배우자궁) 관계" in page.locator("[data-rule-reading]").inner_text()
    wait_for_reading(page)
    reading = page.locator("#reading")
    assert reading.get_attribute("data-state") == "done", reading.locator("[data-reading-error]").inner_text()
    text = reading.locator("[data-reading-body]").inner_text()
    assert "A님" in text and "[A]" not in text and "##" not in text


def test_desktop_charts_side_by_side(desktop) -> None:
    run_gunghap(desktop)
    check_result(desktop)
    a = desktop.locator('[data-chart="a"]').bounding_box()
    b = desktop.locator('[data-chart="b"]').bounding_box()
    assert b["x"] > a["x"] + a["width"] - 1 and abs(b["y"] - a["y"]) < 2, "side by side"
    screenshot(desktop, "gunghap-desktop")


def test_phone_390_stacks_and_never_scrolls_sideways(phone) -> None:
    run_gunghap(phone, "동료·사업", b_time=None)
    check_result(phone)
    a = phone.locator('[data-chart="a"]').bounding_box()
    b = phone.locator('[data-chart="b"]').bounding_box()
    assert b["y"] >= a["y"] + a["height"] - 1, "stacked on a phone"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert "시간 모름" in phone.locator('[data-chart="b"]').inner_text()
    screenshot(phone, "gunghap-390")


def test_phone_form_errors_name_the_person(phone) -> None:
    phone.goto("/gunghap/")
    fill_person(phone, "a", year="1990", month="5", day="15", time="14:30", gender="여성")
    fill_person(phone, "b", year="1988", month="2", day="30", time="09:10", gender="남성")
    phone.get_by_role("button", name="궁합 보기").click()
    phone.wait_for_load_state("domcontentloaded")
    assert "둘째 사람(B)" in phone.locator('[data-person="b"]').inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
