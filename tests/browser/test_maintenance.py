"""Maintenance mode seen by a visitor: a Korean 503 page (a server started with MAINTENANCE_MODE=true)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import LiveServer, new_page, screenshot, start_server, stop_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def maintenance_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    proc, server = start_server(tmp_path_factory.mktemp("browser-maintenance"), {"MAINTENANCE_MODE": "true"})
    try:
        yield server
    finally:
        stop_server(proc)


def test_maintenance_page(browser, maintenance_server):
    for page in new_page(browser, maintenance_server):
        response = page.goto("/")
        assert response.status == 503
        assert "서비스 점검 중입니다" in page.locator("body").inner_text()
        assert page.evaluate("document.documentElement.lang") == "ko"
        screenshot(page, "maintenance-360")
