"""What the provider may see: chart facts only (no name, birth date or time, e-mail, identifier).

The core facts (일간, 사주 기둥, 오행 개수) are written with Korean keys and values in the exact form the
grounding check reads ("庚金(경금)", "庚午(경오)", "2개"), so a model that repeats them is grounded; the
engine's `facts_for_prompt` adds the rest (십신, 신강약, 대운, 세운, ...) under "분석".
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from saju.analysis import Analysis, analyze, saju_year_on
from saju.chart import Chart
from saju.core import Element, Pillar
from saju.reading import daily_facts_for_prompt, facts_for_prompt
from unse.core.packing import JsonPacker
from unse.readings.grounding import GroundTruth
from unse.readings.keys import Kind, engine_probes

UNKNOWN_HOUR = "모름(태어난 시간을 알 수 없음)"
# Keys of the engine's facts that depend on the day within the year (see prompt_facts).
DATE_BOUND_FACTS = ("reference_date", "wolwoon")
# The facts' names of Chart.pillars, in their order (grounding.PILLAR_POSITIONS).
PILLAR_LABELS = ("연주", "월주", "일주", "시주")


def _pillar_text(pillar: Pillar) -> str:
    return f"{pillar.hanja}({pillar.hangul})"


def ground_truth(chart: Chart, analysis: Analysis) -> GroundTruth:
    return GroundTruth(
        day_master=chart.day_master, pillars=chart.pillars, element_counts=analysis.balance.counts
    )


def prompt_facts(chart: Chart, analysis: Analysis, kind: Kind, reference: date) -> dict[str, Any]:
    day_master = chart.day_master
    facts: dict[str, Any] = {
        "일간": f"{day_master.hanja}{day_master.element.value}({day_master.hangul}{day_master.element.hangul})",
        "사주": {
            label: (_pillar_text(pillar) if pillar is not None else UNKNOWN_HOUR)
            for label, pillar in zip(PILLAR_LABELS, chart.pillars, strict=True)
        },
        "오행 개수": {element.hangul: f"{analysis.balance.count(element)}개" for element in Element},
        # The saju year (from 입춘): a reading made on 20 January speaks of the year that began last 입춘.
        "기준 연도": saju_year_on(reference),
    }
    engine_facts = facts_for_prompt(chart, analysis, reference=reference)
    if kind is Kind.DAILY:
        facts["오늘"] = daily_facts_for_prompt(chart, analysis, reference)
    else:
        # A `saju` reading is cached for the whole year: facts that change within the year stay out.
        for key in DATE_BOUND_FACTS:
            engine_facts.pop(key, None)
    facts["분석"] = engine_facts
    return facts


def _sample_facts() -> dict[str, Any]:
    """The facts of the first committed probe chart: the preset dictionary of `FACTS_PACKER`."""
    probe = engine_probes()[0]
    chart, reference = probe.chart(), probe.references[0]
    return prompt_facts(chart, analyze(chart, reference=reference), Kind.SAJU, reference)


# The facts an open stream keeps until it stores its reading (unse.readings.pipeline.Job).
FACTS_PACKER = JsonPacker(_sample_facts, option=orjson.OPT_NON_STR_KEYS)
