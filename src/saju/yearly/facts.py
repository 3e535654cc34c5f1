"""`year_fortune(chart, year)`: the facts of one saju year against the natal chart (신년운세).

A saju year runs from its 입춘 to the next 입춘. The facts are the 세운 pillar seen from the chart (ten gods,
12운성, every relation with the natal positions, the stars its branch brings, its fit with the 용신 set), the
대운 in force when the year begins and a 대운 change inside the year with its exact date, and the twelve
월운 months, each from the exact instant of its 절 (KST) to the next one.

Scores (0–100, one rule for the year and the months, docs/analysis.md "신년운세 점수"): a base of 50, then
each character's role in the 용신 set (용신 ±15 … 기신), the relations that touch 일간·일지·월지, 천을귀인 and
공망; the year adds the 대운 in force as its backdrop. Every step is a `ScoreFactor` with a Korean label.
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, datetime

from saju.analysis.analyze import ChartLike, analyze, is_male, luck_info, natal_slots
from saju.analysis.luck import year_pillar
from saju.analysis.model import Analysis, DaewoonPeriod, LuckPillarInfo
from saju.analysis.relations import Relation, RelationKind
from saju.analysis.shinsal import CHEONEUL
from saju.analysis.yongsin import ElementRole, LuckFit, Yongsin, luck_fit
from saju.calendar import month_pillars_of
from saju.core import Pillar
from saju.errors import OutOfRange
from saju.korean import josa
from saju.reading.relate import relation_label
from saju.terms import KST, LAST_YEAR, term_instant

YEARLY_SCHEMA_VERSION = 1
SCORE_BASE = 50
SCORE_MIN = 5
SCORE_MAX = 95
IPCHUN_INDEX = 2  # 입춘 in a year's term list (0 = 소한)
# Points of a character by its element's role in the chart's 용신 set.
ROLE_POINTS: dict[ElementRole, int] = {
    ElementRole.YONGSIN: 15,
    ElementRole.HEESIN: 10,
    ElementRole.HANSIN: 0,
    ElementRole.GUSIN: -10,
    ElementRole.GISIN: -15,
}
DAY_CLASH_POINTS = -10
MONTH_CLASH_POINTS = -5
DAY_PUNISH_POINTS = -5
BIND_POINTS = 5
COMBINE_ELEMENT_POINTS = 5
CHEONEUL_POINTS = 5
GONGMANG_POINTS = -5
DAEWOON_POINTS_PER_FIT = 5  # the year's backdrop: the 대운's fit (−2..+2) × 5
# Grades: the lower bound of each band, best first.
GRADES: tuple[tuple[int, str], ...] = (
    (75, "아주 좋음"),
    (60, "좋음"),
    (45, "보통"),
    (30, "조심"),
    (0, "어려움"),
)
SCORE_RULE = (
    "기본 50점에서 세운(월운) 천간·지지 각각의 오행이 용신이면 +15, 희신 +10, 한신 0, 구신 −10, 기신 −15; "
    "일지를 충하면 −10, 월지를 충하면 −5, 일지와 형이면 −5; 일간과 천간합 또는 일지와 육합이면 +5; "
    "삼합·반합·방합으로 만드는 오행이 용신·희신이면 +5, 기신·구신이면 −5; 천을귀인 +5; 지지가 공망이면 −5. "
    "해의 점수에는 그해 입춘에 걸린 대운의 용신 적합도(−2~+2)×5를 더합니다. 합계는 5~95점으로 맞춥니다."
)


@dataclass(frozen=True, slots=True)
class ScoreFactor:
    """One reason a score went up or down."""

    kind: str  # "element", "relation", "star", "gongmang", "daewoon"
    label: str  # Korean: names the character or relation and the position it touches
    delta: int


@dataclass(frozen=True, slots=True)
class Score:
    value: int  # SCORE_MIN..SCORE_MAX
    raw: int  # before keeping it within range
    factors: tuple[ScoreFactor, ...]

    @property
    def grade(self) -> str:
        return grade_of(self.value)

    @property
    def breakdown(self) -> tuple[str, ...]:
        """The arithmetic in Korean, one line per factor, then the total."""
        lines = [f"기본 {SCORE_BASE}점"]
        lines += [f"{'+' if f.delta > 0 else '−'}{abs(f.delta)} {f.label}" for f in self.factors]
        total = f"= {self.value}점 ({self.grade})"
        if self.raw != self.value:
            total += f", 합계 {self.raw}점을 {SCORE_MIN}~{SCORE_MAX}점 범위로 맞춤"
        return (*lines, total)


@dataclass(frozen=True, slots=True)
class MonthFortune:
    """One 월운 month: from the instant of its 절 (inclusive) to the next 절 (exclusive), in KST."""

    number: int  # 1 = 寅월 (from 입춘) … 12 = 丑월 (from the next year's 소한)
    jie_name: str
    start: datetime  # KST
    end: datetime  # KST, the next month's start
    info: LuckPillarInfo
    fit: LuckFit
    score: Score
    daewoon: DaewoonPeriod | None  # the 대운 in force when the month begins

    @property
    def pillar(self) -> Pillar:
        return self.info.pillar

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The KST date of the next 절: the day this month ends on (it is shared with the next month)."""
        return self.end.date()


@dataclass(frozen=True, slots=True)
class DaewoonChange:
    """A 대운 that begins inside the saju year, on its exact start date (birth + converted interval)."""

    before: DaewoonPeriod | None
    after: DaewoonPeriod
    day: date


@dataclass(frozen=True, slots=True)
class YearFortune:
    year: int  # the saju year (입춘 to 입춘)
    age: int  # 세는 나이 in that calendar year
    start: datetime  # the year's 입춘 (KST)
    end: datetime  # the next 입춘 (KST)
    info: LuckPillarInfo  # the 세운 against the natal chart
    fit: LuckFit
    score: Score
    daewoon: (
        DaewoonPeriod | None
    )  # in force at the year's 입춘 (None before the first 대운 or without gender)
    daewoon_change: DaewoonChange | None
    daewoon_unavailable: str | None  # Korean reason when there is no 대운 at all
    months: tuple[MonthFortune, ...]
    male: bool | None  # the chart's gender (None: not given)
    analysis: Analysis

    @property
    def pillar(self) -> Pillar:
        return self.info.pillar


def grade_of(value: int) -> str:
    return next(name for bound, name in GRADES if value >= bound)


def _element_factors(fit: LuckFit, pillar: Pillar, source: str) -> list[ScoreFactor]:
    out: list[ScoreFactor] = []
    for part, char, reading, element, role in (
        ("천간", pillar.stem.hanja, pillar.stem.hangul, fit.stem, fit.stem_role),
        ("지지", pillar.branch.hanja, pillar.branch.hangul, fit.branch, fit.branch_role),
    ):
        delta = ROLE_POINTS[role]
        if delta:
            label = f"{source} {part} {char}({reading})의 {josa(element.label, '은', '는')} {role.value}"
            out.append(ScoreFactor("element", label, delta))
    return out


def _touches(r: Relation, position: str) -> bool:
    return position in r.members


def _relation_factors(relations: tuple[Relation, ...], ys: Yongsin) -> list[ScoreFactor]:
    out: list[ScoreFactor] = []
    for r in relations:
        name = relation_label(r)
        if r.kind is RelationKind.CLASH and _touches(r, "일지"):
            out.append(ScoreFactor("relation", f"{name}: 일지와 충(생활 터전·관계의 변동)", DAY_CLASH_POINTS))
        elif r.kind is RelationKind.CLASH and _touches(r, "월지"):
            out.append(
                ScoreFactor("relation", f"{name}: 월지와 충(일과 활동 무대의 변동)", MONTH_CLASH_POINTS)
            )
        elif r.kind is RelationKind.PUNISHMENT and _touches(r, "일지"):
            out.append(ScoreFactor("relation", f"{name}: 일지와 형(마찰과 건강)", DAY_PUNISH_POINTS))
        elif (r.kind is RelationKind.STEM_COMBINE and _touches(r, "일간")) or (
            r.kind is RelationKind.SIX_COMBINE and _touches(r, "일지")
        ):
            where = "일간" if r.kind is RelationKind.STEM_COMBINE else "일지"
            out.append(
                ScoreFactor("relation", f"{name}: {josa(where, '과', '와')} 합(손잡을 일)", BIND_POINTS)
            )
        elif (
            r.kind in (RelationKind.THREE_COMBINE, RelationKind.HALF_COMBINE, RelationKind.DIRECTIONAL)
            and r.element is not None
        ):
            role = ys.role(r.element)
            if role.favourable or role.unfavourable:
                delta = COMBINE_ELEMENT_POINTS if role.favourable else -COMBINE_ELEMENT_POINTS
                label = f"{name}: 만들어지는 {josa(r.element.label, '이', '가')} {role.value}"
                out.append(ScoreFactor("relation", label, delta))
    return out


def score_of(
    info: LuckPillarInfo, fit: LuckFit, ys: Yongsin, source: str, backdrop: ScoreFactor | None = None
) -> Score:
    """The score of a 세운 or 월운 by the documented rule (SCORE_RULE)."""
    factors = _element_factors(fit, info.pillar, source)
    factors += _relation_factors(info.relations, ys)
    if CHEONEUL in info.shinsal:
        factors.append(ScoreFactor("star", "천을귀인(도와주는 사람)", CHEONEUL_POINTS))
    if info.in_gongmang:
        factors.append(ScoreFactor("gongmang", "지지가 공망(채워지지 않음)", GONGMANG_POINTS))
    if backdrop is not None:
        factors.append(backdrop)
    raw = SCORE_BASE + sum(f.delta for f in factors)
    return Score(max(SCORE_MIN, min(SCORE_MAX, raw)), raw, tuple(factors))


def _plus_years(day: date, years: int) -> date:
    year = day.year + years
    if day.month == 2 and day.day == 29 and not gregorian.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def daewoon_starts(analysis: Analysis) -> tuple[tuple[DaewoonPeriod, date], ...]:
    """Every 대운 with its exact start date: the first at birth + the converted interval, then every 10 years."""
    d = analysis.daewoon
    if d is None:
        return ()
    return tuple((p, _plus_years(d.exact_start, 10 * k)) for k, p in enumerate(d.periods))


def _in_force(starts: tuple[tuple[DaewoonPeriod, date], ...], day: date) -> DaewoonPeriod | None:
    current = None
    for period, start in starts:
        if start <= day:
            current = period
    return current


def year_range_check(chart: ChartLike, year: int) -> None:
    first = chart.solar_date.year
    if not first <= year <= LAST_YEAR:
        raise OutOfRange(
            f"신년운세는 태어난 해({first}년)부터 {LAST_YEAR}년까지 볼 수 있습니다 (입력: {year}년)."
        )


def ipchun(year: int) -> datetime:
    return term_instant(year, IPCHUN_INDEX).astimezone(KST)


def year_fortune(
    chart: ChartLike, year: int, *, analysis: Analysis | None = None, with_months: bool = True
) -> YearFortune:
    """The facts of saju year `year` (from the birth year to 2100, else `OutOfRange`) for this chart.

    `analysis` (for the 용신 set and the 대운) defaults to `analyze(chart)` as of the year's 입춘 day
    (or the birth date when that is later). `with_months=False` leaves `months` empty (a timeline that
    only draws the year's score)."""
    year_range_check(chart, year)
    start, end = ipchun(year), ipchun(year + 1)
    a = analysis or analyze(chart, reference=max(start.date(), chart.solar_date))
    slots = natal_slots(chart)
    starts = daewoon_starts(a)
    daewoon = _in_force(starts, start.date())
    change = next(
        (
            DaewoonChange(_in_force(starts, start.date()), period, day)
            for period, day in starts
            if start.date() < day < end.date()
        ),
        None,
    )
    info = luck_info(slots, "세운", year_pillar(year))
    fit = luck_fit(a.yongsin, info.pillar)
    backdrop = None
    if daewoon is not None:
        dfit = luck_fit(a.yongsin, daewoon.info.pillar).score
        if dfit:
            p = daewoon.info.pillar
            label = f"대운 {p.hanja}({p.hangul})의 용신 적합도 {dfit:+d}"
            backdrop = ScoreFactor("daewoon", label, DAEWOON_POINTS_PER_FIT * dfit)
    months = []
    pillars = month_pillars_of(year) if with_months else ()
    for k, (term, pillar) in enumerate(pillars):
        m_start = term.instant.astimezone(KST)
        m_end = pillars[k + 1][0].instant.astimezone(KST) if k + 1 < len(pillars) else end
        m_info = luck_info(slots, "월운", pillar)
        m_fit = luck_fit(a.yongsin, pillar)
        months.append(
            MonthFortune(
                number=k + 1,
                jie_name=term.name_hangul,
                start=m_start,
                end=m_end,
                info=m_info,
                fit=m_fit,
                score=score_of(m_info, m_fit, a.yongsin, "월운"),
                daewoon=_in_force(starts, m_start.date()),
            )
        )
    return YearFortune(
        year=year,
        age=year - chart.solar_date.year + 1,
        start=start,
        end=end,
        info=info,
        fit=fit,
        score=score_of(info, fit, a.yongsin, "세운", backdrop),
        daewoon=daewoon,
        daewoon_change=change,
        daewoon_unavailable=a.daewoon_unavailable,
        months=tuple(months),
        male=is_male(chart),
        analysis=a,
    )
