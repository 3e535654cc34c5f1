"""Daily fortunes by class (issue 19): one stored text per (day signature, date, prompt version, model),
served to every member with their own engine-written lines; a class text naming a position is rejected."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import override_settings

from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.reading.signature import day_signature, signature_key, signature_markdown
from tests.unse.readings.llm_fixtures import LLM, subject
from unse.ai.budget import token_budget_reset_local, token_budget_spent
from unse.core.request import Caller
from unse.readings.dayclass import class_truth
from unse.readings.facts import ground_truth
from unse.readings.grounding import grounding_findings
from unse.readings.labels import GROUNDING_NOTICE_CODE
from unse.readings.models import Reading
from unse.readings.requests import reading_request
from unse.readings.services.open import reading_get_or_create

DAY = date(2026, 12, 7)


def _members(count: int = 300) -> dict[str, list[dict[str, object]]]:
    """Random births grouped by their signature on DAY."""
    rng = random.Random(7)
    classes: dict[str, list[dict[str, object]]] = defaultdict(list)
    for _ in range(count):
        day = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60))
        birth: dict[str, object] = {
            "datetime": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}",
            "gender": rng.choice(("male", "female")),
        }
        chart = chart_from_birth(BirthInput.from_mapping(birth))
        classes[signature_key(day_signature(chart, analyze(chart, reference=DAY), DAY))].append(birth)
    return classes


def test_no_class_text_contradicts_any_member_chart() -> None:
    for births in _members().values():
        charts = [chart_from_birth(BirthInput.from_mapping(birth)) for birth in births]
        analyses = [analyze(chart, reference=DAY) for chart in charts]
        text = signature_markdown(day_signature(charts[0], analyses[0], DAY), DAY)
        for chart, analysis in zip(charts, analyses, strict=True):
            # The class check (no pillar, position or count) and the member's own chart: nothing to find.
            assert grounding_findings(text, class_truth(analysis)) == []
            assert grounding_findings(text, ground_truth(chart, analysis)) == []


def test_a_class_text_naming_a_position_or_pillar_is_rejected() -> None:
    chart = chart_from_birth(BirthInput.from_mapping({"datetime": "1990-05-17T14:30", "gender": "female"}))
    truth = class_truth(analyze(chart, reference=DAY))
    for text in (
        "오늘은 일지와 충이 들어 ...",
        "월주 辛巳의 기운이 ...",
        "오늘 갑자일에는 ...",
        "목 2개로 ...",
    ):
        assert grounding_findings(text, truth), text
    assert grounding_findings("오늘은 임신과 기사 이야기, 연간 계획을 세우기 좋습니다.", truth) == []


def _request(birth: dict[str, object]) -> dict[str, Any]:
    return {
        "request": reading_request(birth=birth, kind="daily", reference_date=DAY),
        "caller": Caller(user=None, client_subject=subject(), request_id="test-dayclass", charge=False),
    }


@pytest.mark.django_db(transaction=True)
async def test_members_of_one_class_share_one_generation_and_keep_their_own_lines(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    classes = list(_members().values())
    shared = next(births for births in classes if len(births) >= 2)
    other = next(births for births in classes if births is not shared)
    first = await reading_get_or_create(**_request(shared[0]))
    second = await reading_get_or_create(**_request(shared[1]))
    third = await reading_get_or_create(**_request(other[0]))
    assert llm.stats.requests == 2  # one per signature, not per person
    assert second.cached and second.reading_id == first.reading_id and third.reading_id != first.reading_id
    class_text = await Reading.objects.aget(public_id=first.reading_id)
    assert first.text.startswith(class_text.text) and second.text.startswith(class_text.text)
    for birth, result in ((shared[0], first), (shared[1], second)):
        chart = chart_from_birth(BirthInput.from_mapping(birth))
        assert f"일주 {chart.pillars[2].hanja}" in result.text.removeprefix(class_text.text)
    # The stored row holds the class facts only: no pillar of any member.
    assert "사주" not in class_text.facts and "오행 개수" not in class_text.facts


@pytest.mark.django_db(transaction=True)
async def test_an_ai_class_text_naming_a_position_is_not_stored(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(text="## 한눈에 보기\n\n오늘은 일지와 충이 들어 마음이 바쁩니다.")
    with override_settings(READINGS_FALLBACK_BUILTIN=True):
        result = await reading_get_or_create(**_request({"datetime": "1990-05-17T14:30", "gender": "female"}))
    assert any(notice.get("code") == GROUNDING_NOTICE_CODE for notice in result.notices)
    assert result.reading_id is None and not await Reading.objects.aexists()


@pytest.mark.django_db(transaction=True)
async def test_an_answer_without_usage_is_charged_an_estimate(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    token_budget_reset_local()
    llm.set(usage=0)
    result = await reading_get_or_create(**_request({"datetime": "1990-05-17T14:30", "gender": "female"}))
    stored = await Reading.objects.aget(public_id=result.reading_id)
    assert stored.prompt_tokens > 100 and stored.completion_tokens > 10
    assert await token_budget_spent() == stored.prompt_tokens + stored.completion_tokens
