"""The `yearly` reading kind (신년운세): its request, prompt facts, grounding truth and built-in text.

A yearly reading is keyed like every reading (chart fingerprint, kind, mode, prompt version, model, period)
with the period being the saju year asked for, so 2027 and 2028 of one chart are two stored readings. The
request's reference date is a day inside that saju year (`yearly_reference`), which is what
`keys.period_of` turns into the year. The nightly batch never asks for this kind.

The prompt version of this kind also hashes this module and the yearly facts of the committed probe
charts (`yearly_engine_version`), so a change in what the yearly prompt receives re-keys only yearly
readings; the other kinds' versions are untouched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from saju.analysis import Analysis, analyze, saju_year_on
from saju.chart import Chart
from saju.reading.voice import to_haeyo
from saju.terms import LAST_YEAR
from saju.yearly import YearFortune, year_fortune
from saju.yearly.document import year_fortune_json, year_markdown, year_reading_json
from saju.yearly.reading import kst_span, year_reading
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.readings.facts import ground_truth, prompt_facts
from unse.readings.grounding import GroundTruth
from unse.readings.keys import ENGINE_HASH_CHARS, Kind, Mode, engine_probes
from unse.readings.requests import ChartInput, ReadingRequest
from unse.readings.services.charts import birth_parse, chart_of, engine_call

SOURCE = Path(__file__)
MID_YEAR = (6, 1)  # a day safely inside a saju year (입춘 is on 3–5 February)
FACTS_KEY = "신년운세"


def yearly_reference(chart: Chart, year: int) -> date:
    """A day inside saju year `year` and not before the birth: what the request's period is taken from."""
    reference = max(date(year, *MID_YEAR), chart.solar_date)
    if saju_year_on(reference) != year:  # born after this saju year ended: refused by year_check first
        raise ValueError(year)
    return reference


def year_check(chart: Chart, year: int) -> None:
    first = chart.solar_date.year
    if not first <= year <= LAST_YEAR:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=f"신년운세는 태어난 해({first}년)부터 {LAST_YEAR}년까지 볼 수 있습니다.",
            details={"field": "year", "min": first, "max": LAST_YEAR},
        )


def yearly_request(*, birth: Mapping[str, object], year: int | None, mode: str) -> ReadingRequest:
    """A validated yearly request; `year` defaults to the current saju year (from 입춘, KST)."""
    try:
        mode_enum = Mode(mode)
    except ValueError as error:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="말투(mode)는 plain 또는 warm만 고를 수 있습니다.",
            details={"field": "mode", "mode": [m.value for m in Mode]},
        ) from error
    chart = chart_of(birth_parse(birth=birth))
    wanted = year if year is not None else saju_year_on(kst_today())
    year_check(chart, wanted)
    return ReadingRequest(
        charts=(ChartInput(birth=birth),),
        kind=Kind.YEARLY,
        mode=mode_enum,
        reference_date=yearly_reference(chart, wanted),
    )


def yearly_fortune_of(chart: Chart, analysis: Analysis, reference: date) -> YearFortune:
    return engine_call(lambda: year_fortune(chart, saju_year_on(reference), analysis=analysis))


def _relations(info_relations: Any) -> list[str]:
    return [f"{r.name}({'·'.join(r.members)})" for r in info_relations]


def yearly_facts(f: YearFortune) -> dict[str, Any]:
    """The year's facts for the prompt: no ages and no 대운 dates (with the pillars they would point at
    the birth date); the month a 대운 changes in is enough to write about it."""
    info = f.info
    change = f.daewoon_change
    change_month = None
    if change is not None:
        change_month = next(m.number for m in reversed(f.months) if m.first_day <= change.day)
    return {
        "year": f.year,
        "pillar": f"{info.pillar.hanja}({info.pillar.hangul})",
        "ten_gods": {"stem": info.stem_ten_god.value, "branch": info.branch_ten_god.value},
        "twelve_stage": info.stage.value,
        "relations": _relations(info.relations),
        "stars": [s.name for s in info.shinsal],
        "gongmang": info.in_gongmang,
        "yongsin_fit": {
            "stem": f.fit.stem_role.value,
            "branch": f.fit.branch_role.value,
            "score": f.fit.score,
        },
        "score": f.score.value,
        "grade": f.score.grade,
        "score_breakdown": list(f.score.breakdown),
        "daewoon": None if f.daewoon is None else f.daewoon.info.pillar.hanja,
        "daewoon_change": None
        if change is None
        else {"to": change.after.info.pillar.hanja, "in_month": change_month},
        "months": [
            {
                "number": m.number,
                "span_kst": kst_span(m),
                "pillar": f"{m.pillar.hanja}({m.pillar.hangul})",
                "ten_gods": {"stem": m.info.stem_ten_god.value, "branch": m.info.branch_ten_god.value},
                "relations": _relations(m.info.relations),
                "stars": [s.name for s in m.info.shinsal],
                "score": m.score.value,
                "grade": m.score.grade,
            }
            for m in f.months
        ],
    }


def yearly_prompt_facts(chart: Chart, analysis: Analysis, reference: date) -> dict[str, Any]:
    """The natal facts every reading gets, plus the year's (`신년운세`)."""
    facts = prompt_facts(chart, analysis, Kind.YEARLY, reference)
    facts[FACTS_KEY] = yearly_facts(yearly_fortune_of(chart, analysis, reference))
    return facts


def yearly_ground_truth(chart: Chart, analysis: Analysis, reference: date) -> GroundTruth:
    """The natal truth plus the year's 세운 pillar (a text that names another 세운 is not grounded)."""
    truth = ground_truth(chart, analysis)
    sewoon = yearly_fortune_of(chart, analysis, reference).pillar
    return GroundTruth(truth.day_master, truth.pillars, truth.element_counts, sewoon=sewoon)


def yearly_builtin_text(chart: Chart, analysis: Analysis, *, mode: Mode, reference: date) -> str:
    """The engine's rule-based 신년운세 as Markdown (the warm mode in 해요체)."""
    f = yearly_fortune_of(chart, analysis, reference)
    text = year_markdown(f, year_reading(f))
    return (to_haeyo(text) if mode is Mode.WARM else text).strip() + "\n"


@cache
def yearly_engine_version() -> str:
    """A hash of this module and of the yearly facts and built-in texts of the probe charts (two years
    each): part of the yearly prompt version and of the built-in interpreter's yearly model id."""
    digest = hashlib.sha256(SOURCE.read_bytes())
    for probe in engine_probes():
        chart = probe.chart()
        for reference in probe.references:
            year = saju_year_on(reference)
            if year < chart.solar_date.year:
                continue
            ref = yearly_reference(chart, year)
            analysis = analyze(chart, reference=ref)
            digest.update(orjson.dumps(yearly_prompt_facts(chart, analysis, ref)))
            for mode in Mode:
                digest.update(yearly_builtin_text(chart, analysis, mode=mode, reference=ref).encode())
    return digest.hexdigest()[:ENGINE_HASH_CHARS]


def yearly_document(*, request: ReadingRequest) -> dict[str, Any]:
    """The year's facts (scores with their breakdown, months) and the rule-based reading as JSON, for
    the API and the pages next to the (AI or built-in) text. Pure CPU, about a millisecond."""
    chart = chart_of(birth_parse(birth=request.birth))
    f = engine_call(lambda: year_fortune(chart, saju_year_on(request.reference)))
    return {"year": f.year, "fortune": year_fortune_json(f), "rules": year_reading_json(year_reading(f))}
