"""Share: Kakao only when a key is configured, and then its SDK origin is allowed by the CSP of that page only."""

from __future__ import annotations

import pytest

from tests.unse.web.test_chart_page import BASE


def _script_src(response) -> str:
    header = response["Content-Security-Policy"]
    return next(part for part in header.split(";") if part.strip().startswith("script-src"))


@pytest.mark.django_db
def test_without_a_kakao_key_nothing_of_kakao_is_loaded(client, settings):
    settings.KAKAO_JS_KEY = ""
    response = client.post("/saju/", BASE)
    html = response.content.decode()
    assert "data-kakao-key" not in html
    assert "kakaocdn" not in _script_src(response)
    assert "링크 복사" in html


@pytest.mark.django_db
def test_with_a_kakao_key_the_sdk_origin_is_allowed_on_the_result_page_only(client, settings):
    settings.KAKAO_JS_KEY = "test-kakao-key"
    result = client.post("/saju/", BASE)
    assert 'data-kakao-key="test-kakao-key"' in result.content.decode()
    assert settings.KAKAO_SDK_ORIGIN in _script_src(result)
    assert "'unsafe-inline'" not in _script_src(result)
    assert settings.KAKAO_SDK_ORIGIN not in _script_src(client.get("/"))
