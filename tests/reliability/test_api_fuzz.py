"""Scenario 8, fuzzing the public API: schemathesis generates valid and invalid requests for every operation
of /api/v1/openapi.json and sends them to a real server (production settings, built-in readings). No answer
is a 500, and every 4xx and 503 carries the error object (code, Korean message, request id).
Engine inputs are fuzzed with hypothesis in tests/reliability/test_engine_fuzz.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.reliability.conftest import HTTPS, start_app
from tests.reliability.conftest import SETTINGS as APP_SETTINGS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 15


def _is_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def _check(case: Any, response: Any) -> None:
    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500 or response.status_code == 503, where
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] and _is_hangul(error["message"]), where
        # schemathesis' response: lower-case header names, each with a list of values.
        assert [error["request_id"]] == response.headers.get("x-request-id"), where


def test_no_operation_answers_500_and_every_error_carries_the_error_object(
    tmp_path: Path, sqlite_url: str, app_servers
) -> None:
    app = start_app(
        tmp_path,
        database_url=sqlite_url,
        DJANGO_SETTINGS_MODULE=APP_SETTINGS,
        LLM_API_KEY="",
        RATE_LIMIT_ANON="",
        RATE_LIMIT_ANON_GLOBAL="",
    )
    app_servers.append(app)
    schema = schemathesis.openapi.from_url(app.url("/api/v1/openapi.json"), headers=HTTPS)
    base_url = app.url("")
    session = requests.Session()
    tried: list[str] = []
    skipped_negative: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: Any) -> None:
                response = case.call(base_url=base_url, session=session, headers=HTTPS, timeout=30)
                _check(case, response)

            try:
                fuzz()
            except Unsatisfiable:
                # An operation without inputs (e.g. a GET without parameters) has no invalid variant.
                assert mode is GenerationMode.NEGATIVE, operation.label
                skipped_negative.append(operation.label)
    assert "POST /api/v1/readings" in tried
    assert len(skipped_negative) < len(tried), skipped_negative
    assert app.process.poll() is None
