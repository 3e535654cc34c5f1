"""The web journey of issue 18 in real Chromium, on a phone (390×844) and a desktop (1280×900): log in
(a `createsuperuser` account, whose e-mail counts as verified) → profiles from the one birth form →
one-tap 사주 / 오늘의 운세 and the family switcher → save → share → copy → the link opened logged out
(Open Graph tags) → no page scrolls sideways → destructive actions ask once."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, LiveServer, new_page
from tests.browser.helpers import RESULT_PAGE, TODAY_RESULT_PAGE, visit, wait_for_reading

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PASSWORD = "journey-Pass-2026!"


CLIPBOARD = ("clipboard-read", "clipboard-write")  # the share page's 링크 복사 is read back


def _superuser(server: LiveServer, name: str) -> str:
    email = f"{name}@example.com"
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", name, "--email", email],
        cwd=ROOT,
        env={**server.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return email


def shot(page, name: str) -> None:
    """The first screen (what a person sees on arrival) for docs/screenshots/ (scripts/screenshots.sh)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways: {scroll} px > {width} px"


def _add_profile(page, label: str, *, year: str, place: str) -> None:
    page.goto("/me/profiles/")
    page.get_by_label("이름(별칭)").fill(label)
    page.get_by_label("관계").select_option(index=0)
    page.get_by_label("년", exact=True).fill(year)
    page.get_by_label("월", exact=True).select_option("5")
    page.get_by_label("일", exact=True).select_option("15")
    page.get_by_label("태어난 시각").fill("14:30")
    page.get_by_label("태어난 곳").select_option(label=place)
    page.get_by_label("여성").check()
    page.get_by_role("button", name="저장").click()
    page.wait_for_load_state("domcontentloaded")
    assert "프로필을 저장했습니다." in page.locator(".messages").inner_text()


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_the_journey_from_login_to_a_shared_reading(browser, live_server_url: LiveServer, size: str):
    viewport = VIEWPORTS[size]
    width = viewport["width"]
    email = _superuser(live_server_url, f"journey-{size}")
    for page in new_page(browser, live_server_url, viewport, permissions=CLIPBOARD):
        page.goto("/accounts/login/")
        page.get_by_label("이메일").fill(email)
        page.get_by_label("비밀번호").fill(PASSWORD)
        page.get_by_label("로그인 상태 유지").check()
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("domcontentloaded")
        assert "로그인했습니다." in page.locator(".messages").inner_text()

        _add_profile(page, "나", year="1990", place="부산")
        _add_profile(page, "동생", year="1995", place="뉴욕")
        assert "뉴욕" in page.locator(".profile-list").inner_text()
        shot(page, f"profiles-{size}")
        visited = [page.url]

        # One tap from a profile to its 사주: 한눈에 보기 first, the city named, the reading streamed.
        page.locator(".profile-list li", has_text="나").first.get_by_role("link", name="사주 보기").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("h1").inner_text() == "나의 사주"
        assert "부산" in page.locator("#birth-summary").inner_text()
        wait_for_reading(page)
        assert page.locator("#reading").get_attribute("data-state") == "done"
        visited.append(page.url)
        shot(page, f"chart-{size}")
        # A topic reading has its own page, linked from the chart.
        page.get_by_role("link", name="연애").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("#reading-title").inner_text() == "연애 풀이"
        visited.append(page.url)

        # 오늘의 운세 of the sibling, then one tap back to one's own.
        page.goto("/me/profiles/")
        page.locator(".profile-list li", has_text="동생").get_by_role("link", name="오늘의 운세").click()
        page.wait_for_load_state("domcontentloaded")
        switch = page.locator("[data-profile-switch]")
        assert switch.locator('[aria-current="page"]').inner_text() == "동생"
        visited.append(page.url)
        switch.get_by_role("link", name="나").click()
        page.wait_for_load_state("domcontentloaded")
        assert switch.locator('[aria-current="page"]').inner_text() == "나"

        # The home form offers the profiles and is prefilled from the default one.
        page.goto("/")
        assert page.get_by_role("link", name=re.compile("나 \\(기본\\)")).is_visible()
        assert page.get_by_label("년", exact=True).input_value() == "1990"

        # Save the reading, make a share link, copy it.
        page.goto(visited[1])
        wait_for_reading(page)
        save = page.get_by_role("button", name="보관함에 저장")
        save.wait_for(state="visible")
        page.get_by_label("제목 (선택)").fill("여정 테스트")
        save.click()
        page.wait_for_load_state("domcontentloaded")
        visited.append(page.url)
        page.get_by_role("button", name="공유 링크 만들기").click()
        page.wait_for_load_state("domcontentloaded")
        row = page.locator(".share-row").first
        row.get_by_role("button", name="링크 복사").click()
        row.locator("[data-share-status]", has_text="링크를 복사했습니다.").wait_for()
        link = row.locator(".share-url").inner_text().strip()
        assert page.evaluate("navigator.clipboard.readText()") == link
        page.goto("/me/shares/")
        assert link in page.locator(".share-list").inner_text()
        visited += [page.url, "/me/", "/me/library/", "/me/favourites/", "/chat/", "/today/"]
        shot(page, f"shares-{size}")

        # Destructive actions ask once, accessibly; cancelling keeps the profile.
        page.goto("/me/profiles/")
        page.locator(".profile-list li", has_text="동생").get_by_role("button", name="지우기").click()
        dialog = page.get_by_role("dialog")
        assert "동생 프로필을 지울까요?" in dialog.inner_text()
        dialog.get_by_role("button", name="취소").click()
        assert page.locator(".profile-list li", has_text="동생").count() == 1

        # No page scrolls sideways (the saved reading's 대운 table used to overflow).
        for path in visited:
            page.goto(path)
            _fits(page, width)
        # (/today/ of a member with a default profile is that profile's page: checked above.)
        for path in (RESULT_PAGE, "/privacy/"):
            visit(page, path)
            _fits(page, width)

    # The link opened logged out: the reading, Open Graph tags, no horizontal scroll.
    for stranger in new_page(browser, live_server_url, viewport, permissions=CLIPBOARD):
        assert stranger.goto(link).status == 200
        description = stranger.locator('meta[property="og:description"]').get_attribute("content")
        assert description and "**" not in description and not description.startswith("안녕")
        assert stranger.locator('meta[property="og:title"]').count() == 1
        image = stranger.locator('meta[property="og:image"]').get_attribute("content")
        served = stranger.request.get(image)
        assert served.status == 200 and served.headers["content-type"] == "image/png"
        assert served.body()[:8] == b"\x89PNG\r\n\x1a\n"
        _fits(stranger, width)
        shot(stranger, f"shared-{size}")


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_anonymous_pages_fit_and_the_header_stays_compact(browser, live_server_url: LiveServer, size: str):
    viewport = VIEWPORTS[size]
    for page in new_page(browser, live_server_url, viewport, permissions=CLIPBOARD):
        names = {"/": "home", TODAY_RESULT_PAGE: "today", "/accounts/login/": "login"}
        for path in ("/", "/today/", RESULT_PAGE, TODAY_RESULT_PAGE, "/accounts/login/", "/accounts/signup/"):
            visit(page, path)
            if path in names:
                shot(page, f"{names[path]}-{size}")
            if path == "/":
                # A solar February offers only its days; a lunar month keeps 30 (2/30 exists in lunar dates).
                page.get_by_label("년", exact=True).fill("1990")
                page.get_by_label("월", exact=True).select_option("2")
                disabled = "(v) => document.querySelector(`#id_day option[value='${v}']`).disabled"
                assert page.evaluate(disabled, "28") is False and page.evaluate(disabled, "29") is True
                page.get_by_label("음력").check()
                assert page.evaluate(disabled, "30") is False and page.evaluate(disabled, "31") is True
            _fits(page, viewport["width"])
            header = page.locator("header.site-header").bounding_box()
            assert header["height"] <= 64, f"{path}: the header takes {header['height']} px"


def test_the_phone_header_folds_its_menu_behind_one_button(browser, live_server_url: LiveServer):
    email = _superuser(live_server_url, "journey-menu")
    for page in new_page(browser, live_server_url, VIEWPORTS["phone"], permissions=CLIPBOARD):
        page.goto("/accounts/login/")
        page.get_by_label("이메일").fill(email)
        page.get_by_label("비밀번호").fill(PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("domcontentloaded")
        header = page.locator("header.site-header")
        assert header.bounding_box()["height"] <= 64, "one row: brand and menu button"
        menu = page.get_by_role("button", name="메뉴")
        assert page.get_by_role("link", name="오늘의 운세").is_hidden()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        page.get_by_role("link", name="오늘의 운세").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/today/" in page.url
        _fits(page, VIEWPORTS["phone"]["width"])


def test_offline_the_installed_app_shows_its_offline_page(browser, live_server_url: LiveServer):
    for page in new_page(browser, live_server_url, VIEWPORTS["phone"], permissions=CLIPBOARD):
        page.goto("/")
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # the page is now controlled by the worker
        page.context.set_offline(True)
        try:
            page.goto("/today/")
            assert "인터넷에 연결되어 있지 않습니다" in page.locator("h1").inner_text()
        finally:
            page.context.set_offline(False)
