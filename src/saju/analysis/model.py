"""The immutable result types of the analysis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from saju.analysis.balance import ElementBalance
from saju.analysis.combine import Transformation
from saju.analysis.gyeokguk import Gyeokguk
from saju.analysis.hidden import QiRole
from saju.analysis.luck import AgeConvention, DaewoonRounding, Direction, LuckOffset
from saju.analysis.nayin import Nayin
from saju.analysis.relations import Relation
from saju.analysis.shinsal import ShinsalHit, ShinsalRule
from saju.analysis.stages import Stage
from saju.analysis.strength import Strength
from saju.analysis.tengods import TenGod, TenGodGroup
from saju.analysis.uncertain import MonthUncertainty
from saju.analysis.yongsin import Yongsin
from saju.core import Branch, Pillar, Stem

POSITION_LABELS: tuple[str, ...] = ("년", "월", "일", "시")
POSITION_NAMES: dict[str, str] = {"년": "년주", "월": "월주", "일": "일주", "시": "시주"}
POSITION_KEYS: dict[str, str] = {"년": "year", "월": "month", "일": "day", "시": "hour"}


class HiddenStemInfo(NamedTuple):
    stem: Stem
    role: QiRole
    days: int
    ten_god: TenGod


class PillarAnalysis(NamedTuple):
    """One natal pillar seen from the day master."""

    label: str  # 년, 월, 일, 시
    pillar: Pillar
    stem_ten_god: TenGod | None  # None for the day master itself (일원)
    branch_ten_god: TenGod  # from the branch's 정기
    hidden: tuple[HiddenStemInfo, ...]
    stage: Stage  # 12운성 of the day master on this branch (봉)
    self_stage: Stage  # 12운성 of this pillar's own stem on its branch (좌)
    nayin: Nayin
    twelve_shinsal_by_year: str
    twelve_shinsal_by_day: str
    in_gongmang: bool  # branch falls in the day pillar's 공망

    @property
    def key(self) -> str:
        return POSITION_KEYS[self.label]


class LuckPillarInfo(NamedTuple):
    """An outside pillar (대운, 세운, 월운, 일진) seen against the natal chart."""

    pillar: Pillar
    stem_ten_god: TenGod
    branch_ten_god: TenGod
    stage: Stage
    relations: tuple[Relation, ...]
    shinsal: tuple[ShinsalRule, ...]
    in_gongmang: bool


class DaewoonPeriod(NamedTuple):
    ordinal: int  # 1-based
    start_age: int
    start_year: int
    info: LuckPillarInfo

    @property
    def end_age(self) -> int:
        return self.start_age + 9


@dataclass(frozen=True, slots=True)
class Daewoon:
    direction: Direction
    jie_name: str
    jie_instant: datetime
    birth_instant: datetime
    offset: LuckOffset
    number: int  # 대운수
    rounding: DaewoonRounding
    age_convention: AgeConvention
    exact_start: date
    periods: tuple[DaewoonPeriod, ...]
    current_index: int | None  # index into periods for the reference date; None before the first period
    approximate: bool  # True when the birth time is unknown (local noon was used)

    @property
    def current(self) -> DaewoonPeriod | None:
        return None if self.current_index is None else self.periods[self.current_index]


class YearLuck(NamedTuple):
    year: int
    age: int
    info: LuckPillarInfo


class MonthLuck(NamedTuple):
    year: int
    month_number: int  # 1 = 寅월 (from 입춘) ... 12 = 丑월 (from next year's 소한)
    jie_name: str
    info: LuckPillarInfo


class DayLuck(NamedTuple):
    day: date
    info: LuckPillarInfo


@dataclass(frozen=True, slots=True)
class Analysis:
    reference: date
    day_master: Stem
    pillars: tuple[PillarAnalysis, ...]  # year, month, day[, hour]
    relations: tuple[Relation, ...]
    shinsal: tuple[ShinsalHit, ...]
    gongmang_day: tuple[Branch, Branch]
    gongmang_year: tuple[Branch, Branch]
    balance: ElementBalance  # shares count a transformed 삼합/방합 branch as its new element
    strength: Strength
    yongsin: Yongsin
    gyeokguk: Gyeokguk
    combinations: tuple[Transformation, ...]  # full 삼합/방합 of the chart and whether each transformed
    month_uncertainty: MonthUncertainty | None  # time unknown on a 절 day: both possibilities
    ten_god_counts: tuple[int, ...]  # visible stems + branch 정기, in TenGod order
    daewoon: Daewoon | None
    daewoon_unavailable: str | None  # Korean reason when daewoon is None
    sewoon: tuple[YearLuck, ...]  # the saju year of the reference date (from its 입춘) and the next
    wolwoon: tuple[MonthLuck, ...]  # the 12 months of the reference saju year
    current_month: int  # month number (1 = 寅월) current on the reference date
    iljin: DayLuck  # the reference date

    def pillar(self, label: str) -> PillarAnalysis | None:
        for p in self.pillars:
            if p.label == label:
                return p
        return None

    def ten_god_count(self, god: TenGod) -> int:
        return self.ten_god_counts[_TEN_GODS.index(god)]

    def group_count(self, group: TenGodGroup) -> int:
        return sum(c for g, c in zip(_TEN_GODS, self.ten_god_counts, strict=True) if g.group is group)

    @property
    def has_hour(self) -> bool:
        return len(self.pillars) == 4


_TEN_GODS: tuple[TenGod, ...] = tuple(TenGod)
