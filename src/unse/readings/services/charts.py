"""Charts: validate a birth and compute its chart and analysis (pure CPU, no I/O, no AI)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from saju.analysis import Analysis, analysis_to_json, analyze
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth, chart_to_json
from saju.errors import SajuError
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChartResult:
    birth: BirthInput
    chart: Chart
    analysis: Analysis

    def as_json(self) -> dict[str, Any]:
        return {"chart": chart_to_json(self.chart), "analysis": analysis_to_json(self.analysis)}


def engine_call(fn: Callable[[], T]) -> T:
    """`fn()`, the engine's validation errors as VALIDATION_ERROR."""
    try:
        return fn()
    except SajuError as error:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=error.message,
            details={"engine_code": error.code, "field": "birth"},
        ) from error


def birth_parse(*, birth: Mapping[str, object]) -> BirthInput:
    return engine_call(lambda: BirthInput.from_mapping(birth))


def chart_of(parsed: BirthInput) -> Chart:
    return engine_call(lambda: chart_from_birth(parsed))


def chart_result(parsed: BirthInput, reference: date, *, chart: Chart | None = None) -> ChartResult:
    """Chart (unless already computed) and analysis of a parsed birth."""
    computed = chart if chart is not None else chart_of(parsed)
    analysis = engine_call(lambda: analyze(computed, reference=reference))
    return ChartResult(birth=parsed, chart=computed, analysis=analysis)


def chart_compute(*, birth: Mapping[str, object], reference_date: date | None = None) -> ChartResult:
    """Validate the birth input and compute chart and analysis (pure CPU, no I/O, no AI)."""
    return chart_result(birth_parse(birth=birth), reference_date or kst_today())
