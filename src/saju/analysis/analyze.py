"""`analyze(chart)`: every analysis item computed once, from tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from saju.analysis.balance import balance_from_indices
from saju.analysis.combine import transformations, transformed_slots
from saju.analysis.gongmang import gongmang
from saju.analysis.gyeokguk import gyeokguk
from saju.analysis.hidden import hidden_stems, main_stem
from saju.analysis.luck import (
    DAEWOON_COUNT,
    DAEWOON_PERIOD_YEARS,
    KOREAN,
    ORDINAL_TO_DAY_INDEX,
    YEAR_INDEX_OFFSET,
    AgeConvention,
    DaewoonRounding,
    Direction,
    add_offset,
    convert_interval,
    daewoon_number,
    first_month_index,
)
from saju.analysis.model import (
    POSITION_LABELS,
    Analysis,
    Daewoon,
    DaewoonPeriod,
    DayLuck,
    HiddenStemInfo,
    LuckPillarInfo,
    MonthLuck,
    PillarAnalysis,
    YearLuck,
)
from saju.analysis.nayin import Nayin, nayin
from saju.analysis.relations import (
    TRIPLES_BY_BRANCH,
    Relation,
    TripleRule,
    pair_row,
    relations_among_indices,
    triple_relation,
)
from saju.analysis.shinsal import TWELVE_SHINSAL_TABLE, ShinsalRule, find_shinsal_indices, shinsal_of_branch
from saju.analysis.stages import STAGE_BY_INDEX, Stage, stage
from saju.analysis.strength import strength_from_indices
from saju.analysis.tengods import BRANCH_TEN_GOD_BY_INDEX, TEN_GOD_BY_INDEX, TenGod, ten_god
from saju.analysis.uncertain import month_uncertainty
from saju.analysis.yongsin import yongsin
from saju.chart import JIE_TERM_STEP, Chart
from saju.core import BRANCHES, PILLARS, STEMS, Branch, Pillar, Stem
from saju.errors import InvalidReference
from saju.terms import TERM_NAMES_HANGUL, TERM_SECONDS, TERMS_PER_YEAR, next_jie, previous_jie

KST = ZoneInfo("Asia/Seoul")
MONTH_JIE_NAMES: tuple[str, ...] = (
    "입춘",
    "경칩",
    "청명",
    "입하",
    "망종",
    "소서",
    "입추",
    "백로",
    "한로",
    "입동",
    "대설",
    "소한",
)
SEWOON_YEARS_IN_ANALYSIS = 2
GENDER_REQUIRED_MESSAGE = (
    "성별 정보가 없어 대운의 방향(순행·역행)을 정할 수 없습니다. 성별을 입력하면 대운을 계산합니다."
)
UNKNOWN_TIME_HOUR = time(12, 0)


class BirthLike(Protocol):
    @property
    def gender(self) -> Enum | None: ...

    @property
    def timezone(self) -> str: ...


class ChartLike(Protocol):
    """What the analysis reads from a `saju.chart.Chart` (any object with these attributes works)."""

    @property
    def birth(self) -> BirthLike: ...

    @property
    def year(self) -> Pillar: ...

    @property
    def month(self) -> Pillar: ...

    @property
    def day(self) -> Pillar: ...

    @property
    def hour(self) -> Pillar | None: ...

    @property
    def instant_utc(self) -> datetime | None: ...

    @property
    def solar_date(self) -> date: ...


def today_kst() -> date:
    return datetime.now(KST).date()


def natal_slots(chart: ChartLike) -> tuple[tuple[str, Pillar], ...]:
    pillars = (chart.year, chart.month, chart.day, chart.hour)
    return tuple((label, p) for label, p in zip(POSITION_LABELS, pillars, strict=True) if p is not None)


# The sixty canonical Pillar objects by identity: `Pillar.index` hashes a tuple of two enum properties
# (each a tuple search), an identity lookup is one C-level dict probe. Other Pillar objects fall back.
_INDEX_BY_ID: dict[int, int] = {id(p): i for i, p in enumerate(PILLARS)}


def _index(p: Pillar) -> int:
    i = _INDEX_BY_ID.get(id(p))
    return p.index if i is None else i


# Sexagenary index → its 순중공망 pair (the same values `gongmang` computes, as one table lookup).
_GONGMANG: tuple[tuple[Branch, Branch], ...] = tuple(gongmang(p) for p in PILLARS)
_GONGMANG_I: tuple[tuple[int, int], ...] = tuple(
    ((i - i % 10 + 10) % 12, (i - i % 10 + 11) % 12) for i in range(60)
)

# (day master index, pillar index) → the label-independent part of a PillarAnalysis: 600 entries at most.
_PILLAR_CACHE: dict[
    tuple[int, int], tuple[TenGod, TenGod, tuple[HiddenStemInfo, ...], Stage, Stage, Nayin]
] = {}


def _pillar_base(
    dm: int, index: int
) -> tuple[TenGod, TenGod, tuple[HiddenStemInfo, ...], Stage, Stage, Nayin]:
    key = (dm, index)
    found = _PILLAR_CACHE.get(key)
    if found is None:
        pillar, stem = PILLARS[index], STEMS[dm]
        hidden = tuple(
            HiddenStemInfo(h.stem, h.role, h.days, ten_god(stem, h.stem)) for h in hidden_stems(pillar.branch)
        )
        found = (
            ten_god(stem, pillar.stem),
            ten_god(stem, main_stem(pillar.branch)),
            hidden,
            stage(stem, pillar.branch),
            stage(pillar.stem, pillar.branch),
            nayin(pillar),
        )
        _PILLAR_CACHE[key] = found
    return found


def _pillar_analysis(
    label: str, index: int, dm: int, year_b: int, day_b: int, empty: frozenset[int]
) -> PillarAnalysis:
    stem_god, branch_god, hidden, own_stage, self_stage, sound = _pillar_base(dm, index)
    b = index % 12
    return _new_tuple(
        PillarAnalysis,
        (
            label,
            PILLARS[index],
            None if label == "일" else stem_god,
            branch_god,
            hidden,
            own_stage,
            self_stage,
            sound,
            TWELVE_SHINSAL_TABLE[year_b][b],
            TWELVE_SHINSAL_TABLE[day_b][b],
            label != "일" and b in empty,
        ),
    )


class NatalContext:
    """The natal chart reduced to what outside pillars are compared with, built once per analysis."""

    __slots__ = ("branch_labels", "branch_mask", "day_index", "dm_index", "empty", "indices", "stars")

    def __init__(self, indices: tuple[tuple[str, int], ...]) -> None:
        branch_labels: dict[int, str] = {}
        mask = 0
        day_index = 0
        for label, i in indices:
            b = i % 12
            if b not in branch_labels:
                branch_labels[b] = label
            mask |= 1 << b
            if label == "일":
                day_index = i
        dm_index = day_index % 10
        self.indices = indices
        self.branch_labels = branch_labels
        self.branch_mask = mask
        self.day_index = day_index
        self.dm_index = dm_index
        self.empty = _GONGMANG_I[day_index]
        self.stars = _stars(dm_index, indices[0][1] % 12, day_index % 12)

    @property
    def dm(self) -> Stem:
        return STEMS[self.dm_index]


def natal_context(slots: Sequence[tuple[str, Pillar]]) -> NatalContext:
    return NatalContext(tuple((label, _index(p)) for label, p in slots))


# (day master, year branch, day branch) → the stars each of the twelve branches brings: 1,440 keys at most.
_STARS_CACHE: dict[tuple[int, int, int], tuple[tuple[ShinsalRule, ...], ...]] = {}


def _stars(dm: int, year_branch: int, day_branch: int) -> tuple[tuple[ShinsalRule, ...], ...]:
    key = (dm, year_branch, day_branch)
    found = _STARS_CACHE.get(key)
    if found is None:
        found = tuple(
            shinsal_of_branch(STEMS[dm], BRANCHES[year_branch], BRANCHES[day_branch], b) for b in BRANCHES
        )
        _STARS_CACHE[key] = found
    return found


_new_tuple = tuple.__new__
_TRIPLE_CACHE: dict[tuple[int, int, str, str, str], Relation] = {}


def _triple_cached(rule: TripleRule, first: str, second: str, label: str) -> Relation:
    key = (rule[2][0], rule[2][1] * 12 + rule[2][2], first, second, label)
    found = _TRIPLE_CACHE.get(key)
    if found is None:
        found = triple_relation(
            rule,
            {rule[0]: first, rule[1]: second, next(x for x in rule[2] if x not in (rule[0], rule[1])): label},
        )
        _TRIPLE_CACHE[key] = found
    return found


# Per branch: the triple rules containing it with the bit mask of the two other branches they need.
_TRIPLE_NEEDS: tuple[tuple[tuple[int, TripleRule], ...], ...] = tuple(
    tuple(((1 << rule[0]) | (1 << rule[1]), rule) for rule in rules) for rules in TRIPLES_BY_BRANCH
)
_Row = tuple[tuple[Relation, ...], ...]
_EMPTY_ROW: _Row = ((),) * 60
# (outside label, natal slot position 0..3) → 60 lazily built rows (one per natal pillar index), each holding
# the relations of every outside pillar index with that natal pillar: list lookups, no tuple hashing.
_ROW_TABLES: dict[str, tuple[list[_Row | None], ...]] = {}


def _rows(ctx: NatalContext, label: str) -> tuple[_Row, ...]:
    """One pair row per natal slot (padded to four with empty rows) for outside pillars under `label`."""
    tables = _ROW_TABLES.get(label)
    if tables is None:
        tables = tuple([None] * 60 for _ in POSITION_LABELS)
        _ROW_TABLES[label] = tables
    rows: list[_Row] = []
    for pos, (natal_label, natal_index) in enumerate(ctx.indices):
        # Slots in the usual 년월일시 order use the flat tables; any other labelling asks pair_row.
        table = tables[pos] if pos < len(POSITION_LABELS) and POSITION_LABELS[pos] == natal_label else None
        row = None if table is None else table[natal_index]
        if row is None:
            row = pair_row(label, natal_label, natal_index)
            if table is not None:
                table[natal_index] = row
        rows.append(row)
    while len(rows) < len(POSITION_LABELS):
        rows.append(_EMPTY_ROW)
    return tuple(rows)


OUTSIDE_LABELS: tuple[str, ...] = ("대운", "세운", "월운", "일진")


def warm_tables() -> int:
    """Build every relation row the analysis can ask for (outside label × natal position × natal pillar;
    ≈ 0.5 s of CPU once per process) instead of on the first charts that need them. Returns the rows."""
    rows = 0
    for label in OUTSIDE_LABELS:
        for natal_index in range(60):
            ctx = NatalContext(tuple((position, natal_index) for position in POSITION_LABELS))
            rows += len(_rows(ctx, label))
    return rows


def _lucks(ctx: NatalContext, label: str, indices: Iterable[int]) -> list[LuckPillarInfo]:
    """The outside pillars `indices` (sexagenary) under `label`, against the natal chart, in order."""
    rows = _rows(ctx, label)
    r0, r1, r2, r3 = rows[:4]
    extra = rows[4:]
    dm = ctx.dm_index
    gods, branch_gods, stages = TEN_GOD_BY_INDEX[dm], BRANCH_TEN_GOD_BY_INDEX[dm], STAGE_BY_INDEX[dm]
    stars = ctx.stars
    e1, e2 = ctx.empty
    mask = ctx.branch_mask
    labels = ctx.branch_labels
    out: list[LuckPillarInfo] = []
    append = out.append
    for i in indices:
        b = i % 12
        relations = r0[i] + r1[i] + r2[i] + r3[i]
        for row in extra:
            relations += row[i]
        for need, rule in _TRIPLE_NEEDS[b]:
            if mask & need == need:
                relations += (_triple_cached(rule, labels[rule[0]], labels[rule[1]], label),)
        # tuple.__new__ skips the NamedTuple's Python-level __new__.
        append(
            _new_tuple(
                LuckPillarInfo,
                (
                    PILLARS[i],
                    gods[i % 10],
                    branch_gods[b],
                    stages[b],
                    relations,
                    stars[b],
                    b in (e1, e2),
                ),
            )
        )
    return out


def _luck(ctx: NatalContext, label: str, index: int) -> LuckPillarInfo:
    return _lucks(ctx, label, (index,))[0]


def luck_info(slots: Sequence[tuple[str, Pillar]], label: str, pillar: Pillar) -> LuckPillarInfo:
    """An outside pillar (대운, 세운, 월운, 일진) against natal slots (which must include 년 and 일)."""
    return _luck(natal_context(slots), label, _index(pillar))


_GODS: tuple[TenGod, ...] = tuple(TenGod)
# Positions (0..9 in TenGod order) of each stem's and each branch's ten god, per day master.
_STEM_GOD_POS: tuple[tuple[int, ...], ...] = tuple(
    tuple(_GODS.index(g) for g in row) for row in TEN_GOD_BY_INDEX
)
_BRANCH_GOD_POS: tuple[tuple[int, ...], ...] = tuple(
    tuple(_GODS.index(g) for g in row) for row in BRANCH_TEN_GOD_BY_INDEX
)


def _ten_god_counts(ctx: NatalContext) -> tuple[int, ...]:
    counts = [0] * 10
    row = _STEM_GOD_POS[ctx.dm_index]
    brow = _BRANCH_GOD_POS[ctx.dm_index]
    for label, i in ctx.indices:
        if label != "일":
            counts[row[i % 10]] += 1
        counts[brow[i % 12]] += 1
    return tuple(counts)


def _jie(instant: datetime, direction: Direction) -> tuple[str, datetime]:
    term = next_jie(instant) if direction is Direction.FORWARD else previous_jie(instant)
    return term.name_hangul, term.instant


@lru_cache(maxsize=64)
def saju_year_and_month(day: date) -> tuple[int, int]:
    """The saju year (starting at 입춘) and month number (1 = 寅월) current at local noon KST of `day`."""
    term = previous_jie(datetime.combine(day, UNKNOWN_TIME_HOUR, tzinfo=KST))
    month_number = MONTH_JIE_NAMES.index(term.name_hangul) + 1
    year = term.year if month_number != len(MONTH_JIE_NAMES) else term.year - 1
    return year, month_number


def saju_year_on(day: date) -> int:
    """The saju year (from its 입춘) current on a KST date: what a year-bound reading is about."""
    return saju_year_and_month(day)[0]


def birth_instant(chart: ChartLike) -> tuple[datetime, bool]:
    """The instant 대운 counts from, and whether it is approximate (time unknown → local noon)."""
    if chart.instant_utc is not None:
        return chart.instant_utc, False
    local = datetime.combine(chart.solar_date, UNKNOWN_TIME_HOUR, tzinfo=ZoneInfo(chart.birth.timezone))
    return local, True


def is_male(chart: ChartLike) -> bool | None:
    gender = chart.birth.gender
    if gender is None:
        return None
    return str(gender.value) == "male"


def compute_daewoon(
    chart: ChartLike,
    ctx: NatalContext,
    *,
    reference: date,
    rounding: DaewoonRounding,
    age_convention: AgeConvention,
) -> Daewoon | None:
    male = is_male(chart)
    if male is None:
        return None
    month_index = ctx.indices[1][1]
    # Yang stems have even indices; forward for a yang-year man or a yin-year woman.
    direction = Direction.FORWARD if (ctx.indices[0][1] % 2 == 0) == male else Direction.BACKWARD
    if isinstance(chart, Chart):
        # The chart already located the 절 around its (exact or representative) instant: read the table
        # directly instead of building the SolarTerm that Chart.next_jie / previous_jie return.
        instant, approximate = chart.representative_instant_utc, chart.instant_utc is None
        position = JIE_TERM_STEP * (chart.jie_position + (1 if direction is Direction.FORWARD else 0))
        jie_name = TERM_NAMES_HANGUL[position % TERMS_PER_YEAR]
        jie_instant = datetime.fromtimestamp(TERM_SECONDS[position], UTC)
    else:
        instant, approximate = birth_instant(chart)
        jie_name, jie_instant = _jie(instant, direction)
    interval: timedelta = abs(jie_instant - instant)
    offset = convert_interval(interval)
    number = daewoon_number(interval, rounding)
    birth_day = chart.solar_date
    step = 1 if direction is Direction.FORWARD else -1
    age_shift = 1 if age_convention is AgeConvention.KOREAN else 0
    # 세는 나이 has no age 0: a 대운수 of 0 (floor rounding) is read as 1, the birth year itself; under
    # 만 나이 a 대운 of 0 starts in the birth year and is kept.
    number = max(number, age_shift)
    infos = _lucks(ctx, "대운", [(month_index + step * k) % 60 for k in range(1, DAEWOON_COUNT + 1)])
    first_year = birth_day.year + number - age_shift
    periods = tuple(
        _new_tuple(
            DaewoonPeriod,
            (k + 1, number + DAEWOON_PERIOD_YEARS * k, first_year + DAEWOON_PERIOD_YEARS * k, info),
        )
        for k, info in enumerate(infos)
    )
    # The period of the reference's saju year (a year-bound reading never changes within its year): under
    # 세는 나이 a period starts on 1 January of its start year, under 만 나이 on the birthday in it.
    saju_year = saju_year_on(reference)
    current = None
    for i, period in enumerate(periods):
        if period[2] <= saju_year:
            current = i
    return Daewoon(
        direction=direction,
        jie_name=jie_name,
        jie_instant=jie_instant,
        birth_instant=instant,
        offset=offset,
        number=number,
        rounding=rounding,
        age_convention=age_convention,
        exact_start=add_offset(birth_day, offset),
        periods=periods,
        current_index=current,
        approximate=approximate,
    )


def _year_lucks(
    ctx: NatalContext, birth_day: date, years: range, age_convention: AgeConvention
) -> tuple[YearLuck, ...]:
    # Age at the end of that year: 세는 나이 counts the birth year as 1, 만 나이 has had the birthday by then.
    shift = (1 if age_convention is AgeConvention.KOREAN else 0) - birth_day.year
    infos = _lucks(ctx, "세운", [(y - YEAR_INDEX_OFFSET) % 60 for y in years])
    return tuple(_new_tuple(YearLuck, (y, y + shift, info)) for y, info in zip(years, infos, strict=True))


def _year_luck(ctx: NatalContext, birth_day: date, year: int, age_convention: AgeConvention) -> YearLuck:
    return _year_lucks(ctx, birth_day, range(year, year + 1), age_convention)[0]


def sewoon_range(
    chart: ChartLike, first_year: int, last_year: int, *, age_convention: AgeConvention = AgeConvention.KOREAN
) -> tuple[YearLuck, ...]:
    """세운 for every year of an inclusive range, against the natal chart (age: at the end of that year)."""
    ctx = natal_context(natal_slots(chart))
    return _year_lucks(ctx, chart.solar_date, range(first_year, last_year + 1), age_convention)


def wolwoon(chart: ChartLike, year: int) -> tuple[MonthLuck, ...]:
    """월운: the twelve months of the saju year `year` (寅월 from its 입춘 to 丑월 from the next 소한)."""
    return _wolwoon(natal_context(natal_slots(chart)), year)


def _wolwoon(ctx: NatalContext, year: int) -> tuple[MonthLuck, ...]:
    first = first_month_index(year)
    infos = _lucks(ctx, "월운", [(first + k) % 60 for k in range(12)])
    return tuple(
        _new_tuple(MonthLuck, (year, k + 1, MONTH_JIE_NAMES[k], info)) for k, info in enumerate(infos)
    )


def check_reference(chart: ChartLike, day: date) -> None:
    """Refuse a reference date before the birth (INVALID_REFERENCE): no forecast for someone not yet born."""
    if day < chart.solar_date:
        raise InvalidReference


def iljin(chart: ChartLike, day: date) -> DayLuck:
    """일진 of any civil date on or after the birth date, against the natal chart."""
    check_reference(chart, day)
    return DayLuck(
        day, _luck(natal_context(natal_slots(chart)), "일진", (day.toordinal() + ORDINAL_TO_DAY_INDEX) % 60)
    )


def analyze(
    chart: ChartLike,
    *,
    reference: date | None = None,
    daewoon_rounding: DaewoonRounding = KOREAN,
    age_convention: AgeConvention = AgeConvention.KOREAN,
) -> Analysis:
    """Full analysis of a chart. `reference` (default: today in KST, never before the birth date: else
    `InvalidReference`) fixes the current 대운, 세운, 월운, 일진."""
    ref = reference if reference is not None else today_kst()
    check_reference(chart, ref)
    hour = chart.hour
    y, m, d = _index(chart.year), _index(chart.month), _index(chart.day)
    indices: tuple[tuple[str, int], ...] = (
        (("년", y), ("월", m), ("일", d))
        if hour is None
        else (("년", y), ("월", m), ("일", d), ("시", _index(hour)))
    )
    ctx = NatalContext(indices)
    dm = ctx.dm_index
    year_b, day_b = y % 12, d % 12
    empty = frozenset(ctx.empty)
    pillars = tuple(_pillar_analysis(label, i, dm, year_b, day_b, empty) for label, i in indices)
    combinations = transformations(indices)
    changed = transformed_slots(combinations) if combinations else None
    strength = strength_from_indices(indices, changed)
    balance = balance_from_indices(indices, changed)
    daewoon = compute_daewoon(
        chart, ctx, reference=ref, rounding=daewoon_rounding, age_convention=age_convention
    )
    saju_year, month_number = saju_year_and_month(ref)
    return Analysis(
        reference=ref,
        day_master=STEMS[dm],
        pillars=pillars,
        relations=relations_among_indices(indices),
        shinsal=find_shinsal_indices(indices),
        gongmang_day=_GONGMANG[d],
        gongmang_year=_GONGMANG[y],
        balance=balance,
        strength=strength,
        yongsin=yongsin(STEMS[dm], BRANCHES[m % 12], strength, balance),
        gyeokguk=gyeokguk(indices),
        combinations=combinations,
        month_uncertainty=month_uncertainty(chart, is_male(chart), daewoon_rounding, age_convention)
        if isinstance(chart, Chart) and chart.month_uncertain
        else None,
        ten_god_counts=_ten_god_counts(ctx),
        daewoon=daewoon,
        daewoon_unavailable=None if daewoon is not None else GENDER_REQUIRED_MESSAGE,
        sewoon=_year_lucks(
            ctx, chart.solar_date, range(saju_year, saju_year + SEWOON_YEARS_IN_ANALYSIS), age_convention
        ),
        wolwoon=_wolwoon(ctx, saju_year),
        current_month=month_number,
        iljin=_new_tuple(DayLuck, (ref, _luck(ctx, "일진", (ref.toordinal() + ORDINAL_TO_DAY_INDEX) % 60))),
    )
