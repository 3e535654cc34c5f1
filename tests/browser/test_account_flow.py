"""Sign-up → e-mail verification (the mail captured by Django's file mail backend) → save a reading to
보관함 → make a share link → the link opened in a fresh browser context (no session) shows the reading."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browser.conftest import LiveServer, new_page, screenshot
from tests.browser.helpers import fill_birth, submit, wait_for_reading

pytestmark = pytest.mark.browser

EMAIL = "browser-user@example.com"
PASSWORD = "saju-Browser-2026!"
MAIL_WAIT_SECONDS = 20


def _confirmation_link(mail_dir: Path, base_url: str) -> str:
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while time.monotonic() < deadline:
        for message in sorted(mail_dir.glob("*.log")):
            text = message.read_text(errors="replace")
            if EMAIL in text:
                # allauth's Korean mail glues a particle to the link ("…/을 클릭하세요"): stop at the key.
                match = re.search(r"/accounts/confirm-email/[A-Za-z0-9:_\-]+/", text)
                if match:
                    return base_url + match.group(0)
        time.sleep(0.2)
    raise AssertionError("no confirmation e-mail was written")


def test_signup_verify_save_and_share(browser, page, live_server_url: LiveServer):
    page.goto("/accounts/signup/")
    page.get_by_label("이메일", exact=True).fill(EMAIL)
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("만 14세 이상입니다").check()
    page.get_by_label(re.compile("개인정보처리방침을 읽었으며")).check()
    page.get_by_role("button", name="가입하고 인증 메일 받기").click()
    page.wait_for_load_state("domcontentloaded")

    page.goto(_confirmation_link(live_server_url.mail_dir, live_server_url.url))
    page.get_by_role("button", name=re.compile("확인|인증")).click()
    page.wait_for_load_state("domcontentloaded")
    # (On a phone the header's links fold behind 메뉴; the logout button is there all the same.)
    assert "로그아웃" in page.locator("header").text_content(), "confirming the e-mail logs the user in"

    fill_birth(page, year="1992", month="8", day="30", time="07:45")
    submit(page)
    wait_for_reading(page)
    assert page.locator("#reading").get_attribute("data-state") == "done"
    # A follow-up question about this reading (상담), answered by the built-in interpreter here.
    page.get_by_role("button", name="이 풀이로 상담하기").click()
    page.wait_for_url("**/chat/*/")
    page.get_by_label("질문").fill("올해 직장운은 어떤가요?")
    page.get_by_role("button", name="보내기").click()
    page.locator('#chat[data-state="done"], #chat[data-state="error"]').wait_for(timeout=60_000)
    assert page.locator("#chat").get_attribute("data-state") == "done", page.locator(
        "[data-chat-error]"
    ).inner_text()
    answer = page.locator(".chat-assistant").last
    assert len(answer.locator(".reading-body").inner_text()) > 20
    assert answer.locator(".ai-label").is_visible()
    screenshot(page, "chat-360")
    page.go_back()
    wait_for_reading(page)

    save = page.get_by_role("button", name="보관함에 저장")
    save.wait_for(state="visible")
    assert save.is_enabled()
    page.get_by_label("제목 (선택)").fill("브라우저 테스트 사주")
    save.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("h1").inner_text() == "브라우저 테스트 사주"
    screenshot(page, "saved-360")

    page.get_by_role("button", name="공유 링크 만들기").click()
    page.wait_for_load_state("domcontentloaded")
    link = re.search(r"https?://\S+/s/[^/\s]+/", page.locator("main").inner_text())
    assert link, "the share link is shown"

    # The personal pages of the accounts part, in the site's layout at phone width.
    for path, name in [
        ("/me/", "me-360"),
        ("/me/library/", "library-360"),
        ("/me/profiles/", "profiles-360"),
        ("/me/favourites/", "favourites-360"),
    ]:
        assert page.goto(path).status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        screenshot(page, name)

    for stranger in new_page(browser, live_server_url):
        response = stranger.goto(link.group(0))
        assert response.status == 200
        body = stranger.locator("main").inner_text()
        assert "1992" not in body, "no birth data unless the owner opted in"
        assert len(body) > 200
        screenshot(stranger, "shared-360")
