"""The streamed reading against the fake LLM (real HTTP, OpenAI-compatible): an AI reading is labelled
as AI-generated; when the AI fails, the built-in reading stands in with the right notice while a reading
already cached for a chart is still served."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import LiveServer, new_page, screenshot, start_server, stop_server
from tests.browser.helpers import fill_birth, submit, wait_for_reading
from tests.fakellm_fixture import FakeLLMHandle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ai_server(
    tmp_path_factory: pytest.TempPathFactory, _fake_llm_server: FakeLLMHandle
) -> Iterator[LiveServer]:
    env = {
        "LLM_API_KEY": "test-key",
        "LLM_BASE_URL": _fake_llm_server.base_url,
        "LLM_MODEL": "fake-model",
        "LLM_FIRST_TOKEN_TIMEOUT": "3",
        "LLM_MAX_RETRIES": "0",
    }
    proc, server = start_server(tmp_path_factory.mktemp("browser-ai-server"), env)
    try:
        yield server
    finally:
        stop_server(proc)


@pytest.fixture
def ai_page(browser, ai_server: LiveServer) -> Iterator[object]:
    yield from new_page(browser, ai_server)


def test_ai_reading_streams_and_is_labelled(ai_page, fake_llm: FakeLLMHandle):
    fake_llm.control(tps=400)
    fill_birth(ai_page, year="1979", month="3", day="8", time="06:10", gender="남성")
    submit(ai_page)
    wait_for_reading(ai_page)
    reading = ai_page.locator("#reading")
    assert reading.get_attribute("data-state") == "done", reading.locator("[data-reading-error]").inner_text()
    assert "AI가 생성한 풀이입니다" in reading.locator("[data-reading-label]").inner_text()
    assert "fake-model" in reading.locator("[data-reading-label]").inner_text()
    assert reading.locator("[data-reading-notice]").is_hidden()
    assert fake_llm.stats()["requests"] >= 1
    screenshot(ai_page, "result-ai-360")


def test_ai_failure_shows_notice_while_cached_reading_still_shows(ai_page, fake_llm: FakeLLMHandle):
    # First a healthy AI reading for one chart (stored in the cache) ...
    fill_birth(ai_page, year="1983", month="7", day="21", time="22:40")
    submit(ai_page)
    wait_for_reading(ai_page)
    first_text = ai_page.locator("[data-reading-body]").inner_text()
    assert ai_page.locator("#reading").get_attribute("data-state") == "done"

    # ... then the AI goes down.
    fake_llm.control(fault="500")
    ai_page.reload()
    wait_for_reading(ai_page)
    reading = ai_page.locator("#reading")
    assert reading.get_attribute("data-state") == "done"
    assert reading.get_attribute("data-cached") == "true"
    assert reading.locator("[data-reading-body]").inner_text() == first_text
    assert reading.locator("[data-reading-notice]").is_hidden()

    # A chart with nothing cached gets the built-in reading and the notice saying why.
    fill_birth(ai_page, year="1984", month="2", day="29", time="11:11")
    submit(ai_page)
    wait_for_reading(ai_page)
    notice = ai_page.locator("[data-reading-notice]")
    assert notice.is_visible()
    assert "AI 풀이 서비스에 연결할 수 없어 기본 풀이를 보여 드려요" in notice.inner_text()
    assert "규칙 기반" in ai_page.locator("[data-reading-label]").inner_text()
    screenshot(ai_page, "result-ai-down-360")
