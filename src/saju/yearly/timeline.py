"""The life timeline: the ten 대운 with their exact start dates, and the 세운 of a span of years with
their scores (the same rule as `year_fortune`), for the SVG timeline and its table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from saju.analysis.analyze import ChartLike, analyze
from saju.analysis.model import Analysis
from saju.core import Pillar
from saju.reading.plain import PLAIN_PERIOD
from saju.terms import LAST_YEAR
from saju.yearly.facts import daewoon_starts, year_fortune

DEFAULT_SPAN = 10
DAEWOON_YEARS = 10


@dataclass(frozen=True, slots=True)
class DaewoonBand:
    ordinal: int
    pillar: Pillar
    stem_ten_god: str
    branch_ten_god: str
    start_age: int  # 세는 나이 (the chart page's convention)
    start_year: int
    start_date: date  # exact: birth + the converted birth-to-절 interval, then every 10 years
    current: bool

    @property
    def end_year(self) -> int:
        return self.start_year + DAEWOON_YEARS - 1

    @property
    def end_age(self) -> int:
        return self.start_age + DAEWOON_YEARS - 1


@dataclass(frozen=True, slots=True)
class YearPoint:
    year: int
    age: int  # 세는 나이
    pillar: Pillar
    stem_ten_god: str
    branch_ten_god: str
    relations: tuple[str, ...]  # "子午 충(세운지·일지)"
    score: int
    grade: str
    judgement: str  # one plain line
    current: bool


@dataclass(frozen=True, slots=True)
class LifeTimeline:
    bands: tuple[DaewoonBand, ...]  # empty without gender
    daewoon_unavailable: str | None
    years: tuple[YearPoint, ...]
    current_year: int


def life_timeline(
    chart: ChartLike,
    *,
    current_year: int,
    first_year: int | None = None,
    span: int = DEFAULT_SPAN,
    analysis: Analysis | None = None,
) -> LifeTimeline:
    """The ten 대운 and the 세운 of `span` years from `first_year` (default: `current_year`), kept within
    the birth year..2100. `current_year` is the saju year to mark as now."""
    birth_year = chart.solar_date.year
    start = max(birth_year, min(first_year if first_year is not None else current_year, LAST_YEAR - span + 1))
    a = analysis or analyze(chart, reference=max(date(start, 6, 1), chart.solar_date))
    starts = daewoon_starts(a)
    # The band marked as now follows the chart page (a 대운 counts from its 대운수 year).
    in_force = [p.ordinal for p, _ in starts if p.start_year <= current_year]
    bands = tuple(
        DaewoonBand(
            ordinal=p.ordinal,
            pillar=p.info.pillar,
            stem_ten_god=p.info.stem_ten_god.value,
            branch_ten_god=p.info.branch_ten_god.value,
            start_age=p.start_age,
            start_year=p.start_year,
            start_date=day,
            current=bool(in_force) and p.ordinal == in_force[-1],
        )
        for p, day in starts
    )
    years = []
    for year in range(start, min(start + span, LAST_YEAR + 1)):
        f = year_fortune(chart, year, analysis=a, with_months=False)
        god = f.info.stem_ten_god
        years.append(
            YearPoint(
                year=year,
                age=f.age,
                pillar=f.pillar,
                stem_ten_god=god.value,
                branch_ten_god=f.info.branch_ten_god.value,
                relations=tuple(
                    f"{r.name}({'·'.join(m for m in r.members if not m.startswith('세운'))})"
                    for r in f.info.relations
                ),
                score=f.score.value,
                grade=f.score.grade,
                judgement=f"{PLAIN_PERIOD[god]} ({f.score.grade})",
                current=year == current_year,
            )
        )
    return LifeTimeline(bands, a.daewoon_unavailable, tuple(years), current_year)
