"""What a reading is asked for: `ReadingRequest` (typed, validated once at the edge).

A request carries its charts with their roles (one `SELF` chart today; a 궁합 kind will carry A and B and
a relation), the kind / topic / mode, the reference date its period is taken from (`Kind.period_rule`:
a KST date, a saju year, or none) and a hint for the batch. Who asks is `unse.core.request.Caller`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.readings.keys import ChartRole, Kind, Mode, Topic


@dataclass(frozen=True, slots=True)
class ChartInput:
    """One person's birth (the engine's input mapping) and their role in the reading."""

    birth: Mapping[str, object]
    role: ChartRole = ChartRole.SELF


@dataclass(frozen=True, slots=True)
class ReadingRequest:
    charts: tuple[ChartInput, ...]
    kind: Kind = Kind.SAJU
    topic: Topic = Topic.GENERAL
    mode: Mode = Mode.PLAIN
    # The day the reading is for (daily) or whose year it speaks of; today in KST when None.
    reference_date: date | None = None
    # How the people of a multi-chart reading relate (part of its cache key); empty for one chart.
    relation: str = ""
    # The caller has just looked the reading up by its keys and found none (the batch, page-wise): the
    # first lookup is skipped; the flight's leader still re-checks, and a reopen looks up again.
    known_missing: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        roles = tuple(chart.role for chart in self.charts)
        if roles != self.kind.chart_roles:
            raise ValueError(f"a {self.kind.value} reading takes charts {self.kind.chart_roles}, got {roles}")

    @property
    def reference(self) -> date:
        return self.reference_date or kst_today()

    @property
    def birth(self) -> Mapping[str, object]:
        """The birth of the reading's first chart (the only one of every kind served today)."""
        return self.charts[0].birth


def _choice_error() -> ServiceError:
    return ServiceError(
        ErrorCode.VALIDATION_ERROR,
        message="풀이 종류(kind), 주제(topic), 말투(mode) 중 지원하지 않는 값이 있습니다.",
        details={
            "kind": [k.value for k in Kind],
            "topic": [t.value for t in Topic],
            "mode": [m.value for m in Mode],
        },
    )


def reading_request(
    *,
    birth: Mapping[str, object],
    kind: str = Kind.SAJU.value,
    topic: str | None = None,
    mode: str = Mode.PLAIN.value,
    reference_date: date | None = None,
    known_missing: bool = False,
) -> ReadingRequest:
    """A one-chart request from the strings of an API payload or a form; unknown choices (or a topic for a
    daily reading) are VALIDATION_ERROR before anything is computed."""
    try:
        kind_enum = Kind(kind)
        topic_enum = Topic(topic or Topic.GENERAL.value)
        mode_enum = Mode(mode)
    except ValueError as error:
        raise _choice_error() from error
    if kind_enum is Kind.GUNGHAP:
        # Two charts: `gunghap_request` (the 궁합 endpoints), never a one-chart payload.
        raise _choice_error()
    if kind_enum is Kind.DAILY and topic_enum is not Topic.GENERAL:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="오늘의 운세(daily)는 주제를 고를 수 없습니다.",
            details={"field": "topic"},
        )
    return ReadingRequest(
        charts=(ChartInput(birth=birth),),
        kind=kind_enum,
        topic=topic_enum,
        mode=mode_enum,
        reference_date=reference_date,
        known_missing=known_missing,
    )


def gunghap_request(
    *,
    a: Mapping[str, object],
    b: Mapping[str, object],
    relation: str,
    reference_date: date | None = None,
) -> ReadingRequest:
    """A 궁합 request: A's and B's births and how A relates to B (validated by `unse.readings.pair`)."""
    return ReadingRequest(
        charts=(ChartInput(birth=a, role=ChartRole.A), ChartInput(birth=b, role=ChartRole.B)),
        kind=Kind.GUNGHAP,
        reference_date=reference_date,
        relation=relation,
    )
