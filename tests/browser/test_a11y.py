"""axe-core in real Chromium: the main pages have 0 accessibility violations, on a phone (390×844) and a
desktop (1280×900). axe-core is vendored (tests/browser/vendor/axe-core/, see its README.md) and injected
into each page after it loaded; the run uses axe's default rule set (WCAG 2.x A/AA and best practices)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import LiveServer
from tests.browser.helpers import RESULT_PAGE, TODAY_RESULT_PAGE, visit, wait_for_reading
from tests.browser.test_journey import PASSWORD, VIEWPORTS, _add_profile, _superuser

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
ANONYMOUS = (
    "/",
    RESULT_PAGE,
    TODAY_RESULT_PAGE,
    "/year/",
    "/calendar/",
    "/gunghap/",
    "/accounts/login/",
    "/accounts/signup/",
    "/privacy/",
)


def _violations(page) -> list[str]:
    """axe's violations on the current page, one readable line each (rule, impact, first targets)."""
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result
    ]


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_main_pages_have_no_axe_violations(browser, live_server_url: LiveServer, size: str):
    email = _superuser(live_server_url, f"a11y-{size}")
    # bypass_csp: the CSP (rightly) forbids the inline script axe is injected as; the pages are unchanged.
    context = browser.new_context(
        viewport=VIEWPORTS[size], locale="ko-KR", base_url=live_server_url.url, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    found: list[str] = []
    try:
        for path in ANONYMOUS:
            visit(page, path)
            if path == RESULT_PAGE:
                wait_for_reading(page)
            found += _violations(page)

        page.goto("/accounts/login/")
        page.get_by_label("이메일").fill(email)
        page.get_by_label("비밀번호").fill(PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("domcontentloaded")
        _add_profile(page, "나", year="1990", place="부산")
        found += _violations(page)  # /me/profiles/

        page.locator(".profile-list li", has_text="나").first.get_by_role("link", name="사주 보기").click()
        page.wait_for_load_state("domcontentloaded")
        wait_for_reading(page)
        page.get_by_role("button", name="보관함에 저장").click()
        page.wait_for_load_state("domcontentloaded")
        page.get_by_role("button", name="공유 링크 만들기").click()
        page.wait_for_load_state("domcontentloaded")
        link = page.locator(".share-row .share-url").first.inner_text().strip()
        page.goto("/me/shares/")
        found += _violations(page)
        for signed_in in ("/me/", "/me/library/", "/me/favourites/", "/chat/"):  # library: one saved reading
            response = visit(page, signed_in)
            assert response is not None and response.ok and page.url.endswith(signed_in), page.url
            found += _violations(page)
        page.goto(link)
        found += _violations(page)  # the shared page
    finally:
        context.close()
    assert not found, "\n".join(found)
