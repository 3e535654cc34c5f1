"""Pages in a real browser at phone width: the form works, and screenshots for review."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.helpers import RESULT_PAGE, TODAY_RESULT_PAGE, visit

pytestmark = pytest.mark.browser


def test_home_form_at_360px(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "사주 명식"
    # Every field has a label the browser associates with it.
    for label in ["이름 (선택)", "년", "월", "일", "태어난 곳"]:
        assert page.get_by_label(label, exact=True).count() == 1
    # 윤달 is only available for the lunar calendar; "시간 모름" turns the time field off.
    assert page.get_by_label("윤달").is_disabled()
    page.get_by_label("음력").check()
    assert page.get_by_label("윤달").is_enabled()
    page.get_by_label("시간 모름").check()
    assert page.get_by_label("태어난 시각").is_disabled()
    # Nothing is wider than the phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "home-360")


def test_markdown_renderer_never_creates_markup_from_text(page):
    page.goto("/")
    result = page.evaluate(
        """async () => {
            const { renderMarkdown } = await import("/static/js/markdown.js");
            const box = document.createElement("div");
            box.append(renderMarkdown(
                "## 제목\\n\\n**굵게** 그리고 *기울임*\\n\\n- 하나\\n- 둘\\n\\n<script>window.pwned=1</script>" +
                "\\n<img src=x onerror=\\"window.pwned=2\\">\\n[링크](javascript:alert(1))" +
                "\\n\\n| 오행 | 비율 |\\n|---|---|\\n| 목(木) | <b>4%</b> |\\n| 화(火) | 23% |"));
            document.body.append(box);
            await new Promise((r) => setTimeout(r, 50));
            return {
                tags: [...box.querySelectorAll("*")].map((n) => n.tagName.toLowerCase()),
                text: box.textContent,
                pwned: window.pwned || 0,
            };
        }"""
    )
    assert result["pwned"] == 0
    assert set(result["tags"]) <= {
        "h4",
        "p",
        "strong",
        "em",
        "ul",
        "li",
        "br",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    assert result["tags"].count("td") == 4 and result["tags"].count("th") == 2, "GFM tables become tables"
    assert result["tags"][:1] == ["h4"]
    assert "<script>" in result["text"] and "<img" in result["text"], "raw HTML shows as text"


@pytest.mark.parametrize(
    ("path", "name", "status"),
    [
        ("/accounts/login/", "login-360", 200),
        ("/accounts/signup/", "signup-360", 200),
        ("/privacy/", "privacy-360", 200),
        ("/today/", "today-form-360", 200),
        ("/no-such-page/", "not-found-360", 404),
    ],
)
def test_other_pages_fit_a_phone(page, path, name, status):
    response = page.goto(path)
    assert response.status == status
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling at 360 px"
    screenshot(page, name)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/today/",
        RESULT_PAGE,
        "/accounts/login/",
    ],
)
def test_every_control_has_an_accessible_name_and_focus_is_visible(page, path):
    visit(page, path)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea, button")]
            .filter((el) => el.type !== "hidden" && !el.hidden && el.offsetParent !== null)
            .filter((el) => {
                const labelled = (el.labels && el.labels.length > 0) || el.getAttribute("aria-label") ||
                    el.getAttribute("aria-labelledby") || (el.tagName === "BUTTON" && el.textContent.trim());
                return !labelled;
            })
            .map((el) => el.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []
    # Keyboard: the first Tab lands on the skip link, which becomes visible with a focus outline.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle})"
    )
    assert focused["text"] == "본문으로 건너뛰기"
    assert focused["outline"] != "none"


PAGE_BUDGET_BYTES = 100 * 1024
WEIGHED_PAGES = {
    "사주 입력": "/",
    "결과": RESULT_PAGE,
    "오늘의 운세": TODAY_RESULT_PAGE,
    "로그인": "/accounts/login/",
}


def test_no_page_ships_more_than_100_kb_of_js_and_css(page):
    rows = []
    for title, path in WEIGHED_PAGES.items():
        sizes: dict[str, int] = {}

        def record(response, sizes=sizes):
            if response.request.resource_type in ("script", "stylesheet"):
                sizes[response.url] = len(response.body())

        visit(page, path, before_load=lambda record=record: page.on("response", record))
        page.wait_for_load_state("networkidle")
        page.remove_listener("response", record)
        total = sum(sizes.values())
        rows.append(f"{title}\t{path.removeprefix('form:')}\t{len(sizes)} files\t{total / 1024:.1f} KB")
        assert total <= PAGE_BUDGET_BYTES, f"{title}: {total} bytes of JS+CSS"
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS.parent / "page-weights.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_static_files_have_hashed_names_and_long_cache_headers(page):
    responses = []
    page.on("response", lambda r: responses.append(r) if "/static/" in r.url else None)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    names = [r.url.rsplit("/", 1)[1] for r in responses]
    assert any(re.fullmatch(r"site\.[0-9a-f]{12}\.css", n) for n in names), names
    assert any(re.fullmatch(r"unse-sans-kr\.[0-9a-f]{12}\.woff2", n) for n in names), names
    for response in responses:
        assert "max-age=315360000" in response.headers.get("cache-control", ""), response.url


def test_sse_parser_handles_events_split_across_chunks(page):
    page.goto("/")
    events = page.evaluate(
        """async () => {
            const { readEvents } = await import("/static/js/sse.js");
            const chunks = [": stream open\\r\\n\\r\\nevent: me", "ta\\ndata: {\\"cached\\": tr", "ue}\\n\\n",
                            "event: delta\\ndata: {\\"text\\": \\"가나\\"}\\n", "\\n: keep-alive\\n\\nevent: done\\ndata: {}\\n\\n"];
            const encoder = new TextEncoder();
            const body = new ReadableStream({ start(c) { chunks.forEach((x) => c.enqueue(encoder.encode(x))); c.close(); } });
            const out = [];
            for await (const e of readEvents(new Response(body))) out.push(e);
            return out;
        }"""
    )
    assert events == [
        {"event": "meta", "data": {"cached": True}},
        {"event": "delta", "data": {"text": "가나"}},
        {"event": "done", "data": {}},
    ]
