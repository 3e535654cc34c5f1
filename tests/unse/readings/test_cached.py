"""The cached path serves stored work (issue 10 scenario 2): the HTML rendered when the reading was written,
the chart document from the worker's cache. A cached answer must be the answer the fresh path gives."""

from __future__ import annotations

import tracemalloc
from typing import Any

import orjson
import pytest
from django.test import AsyncClient

from saju.birth import BirthInput
from saju.chart import chart_from_birth, chart_to_json
from tests.unse.readings.llm_fixtures import BIRTH
from unse.readings.cached import (
    chart_document_get,
    chart_document_put,
    chart_documents_clear,
    render_version,
)
from unse.readings.keys import chart_fingerprint
from unse.readings.models import Reading
from unse.readings.sanitize import render_markdown

pytestmark = pytest.mark.django_db(transaction=True)

READINGS = "/api/v1/readings"
# What legitimately differs between two answers of the same reading.
PER_REQUEST = {"request_id", "cached"}


@pytest.fixture(autouse=True)
def roomy_rate_limits(settings: Any) -> None:
    # On the PostgreSQL+Redis pass the limiter's counters are shared; these tests are about the cache.
    settings.RATE_LIMIT_ANON = "1000/hour;10000/day"
    settings.RATE_LIMIT_ANON_GLOBAL = "100000/hour"


async def _post(body: dict[str, Any]) -> dict[str, Any]:
    response = await AsyncClient().post(READINGS, data=orjson.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return dict(orjson.loads(response.content))


def _content(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key not in PER_REQUEST}


@pytest.mark.parametrize("kind", ["saju", "daily"])
async def test_a_cached_answer_is_the_fresh_answer(kind: str) -> None:
    body = {"birth": BIRTH, "kind": kind, "mode": "warm"}
    chart_documents_clear()
    fresh = await _post(body)
    assert fresh["cached"] is False and fresh["reading_id"]
    from_worker_cache = await _post(body)  # the chart document of the fresh request, HTML from the row
    chart_documents_clear()
    from_engine = await _post(body)  # a worker that never saw this chart: the engine computes it
    assert from_worker_cache["cached"] is True and from_engine["cached"] is True
    assert _content(from_worker_cache) == _content(fresh)
    assert _content(from_engine) == _content(fresh)
    assert fresh["html"] == render_markdown(fresh["text"])
    assert fresh["chart"] == chart_to_json(chart_from_birth(BirthInput.from_mapping(BIRTH)))


async def test_the_stored_html_is_what_the_page_renders() -> None:
    answer = await _post({"birth": BIRTH})
    reading = await Reading.objects.aget(public_id=answer["reading_id"])
    assert reading.html == render_markdown(reading.text) and reading.html_version == render_version()
    detail = await AsyncClient().get(f"{READINGS}/{answer['reading_id']}")
    assert orjson.loads(detail.content)["html"] == answer["html"]


async def test_a_row_stored_before_the_html_column_is_rendered_and_written_back_once() -> None:
    answer = await _post({"birth": BIRTH, "topic": "career"})
    # A row as the previous release wrote it (it does not know the columns: NULL).
    await Reading.objects.filter(public_id=answer["reading_id"]).aupdate(html=None, html_version=None)
    again = await _post({"birth": BIRTH, "topic": "career"})
    assert again["cached"] is True and again["html"] == answer["html"]
    reading = await Reading.objects.aget(public_id=answer["reading_id"])
    assert reading.html == answer["html"] and reading.html_version == render_version()


async def test_a_row_rendered_by_another_sanitizer_version_is_rendered_again() -> None:
    answer = await _post({"birth": BIRTH, "topic": "love"})
    await Reading.objects.filter(public_id=answer["reading_id"]).aupdate(
        html="<p>old rules</p>", html_version="older"
    )
    detail = await AsyncClient().get(f"{READINGS}/{answer['reading_id']}")
    assert orjson.loads(detail.content)["html"] == answer["html"]
    assert (await _post({"birth": BIRTH, "topic": "love"}))["html"] == answer["html"]


def test_each_caller_gets_its_own_copy_of_a_cached_chart_document() -> None:
    parsed = BirthInput.from_mapping(BIRTH)
    fingerprint = chart_fingerprint(parsed.to_mapping())
    chart_documents_clear()
    assert chart_document_get(fingerprint) is None
    expected = chart_document_put(fingerprint, chart_from_birth(parsed))
    first = chart_document_get(fingerprint)
    assert first == expected
    assert first is not None
    first["pillars"]["day"] = "changed by one caller"
    assert chart_document_get(fingerprint) == expected


def test_a_cached_chart_document_costs_its_size() -> None:
    """The worker's chart cache holds 4,096 documents of ≈ 1.25 KB of JSON, packed (unse.core.packing) to
    ≈ 0.2 KB; orjson's own output buffer once held 4-8 KiB each (≈ 28 MB per worker instead of ≈ 1 MB)."""
    charts = []
    for day in range(1, 29):
        parsed = BirthInput.from_mapping({**BIRTH, "datetime": f"1984-02-{day:02d}T06:45"})
        chart = chart_from_birth(parsed)
        chart_to_json(chart)  # what the chart computes lazily, once, is not the cache's
        charts.append((chart_fingerprint(parsed.to_mapping()), chart))
    chart_documents_clear()
    chart_document_put(*charts.pop())  # per-process memos (the engine version) are not the cache's
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        sizes = [len(orjson.dumps(chart_document_put(fingerprint, chart))) for fingerprint, chart in charts]
        per_document = (tracemalloc.get_traced_memory()[0] - before) / len(charts)
    finally:
        tracemalloc.stop()
        chart_documents_clear()
    # The packed document, its key and the cache's bookkeeping: less than the JSON alone.
    assert per_document < min(sizes), (per_document, min(sizes))
