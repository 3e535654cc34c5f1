"""Both possibilities of a birth whose time is unknown on a day when a 절 begins (`Chart.month_uncertain`).

The chart reads the day at local noon; born before the 절's instant the month pillar is the previous one
(and for 입춘 the year pillar too), after it the next — and with the year stem the 대운 direction flips.
Each option's 대운수 is counted from the middle of its part of the day (approximate, like any unknown time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from saju.analysis.luck import AgeConvention, DaewoonRounding, Direction, daewoon_direction, daewoon_number
from saju.chart import Chart
from saju.core import Pillar
from saju.terms import next_jie, previous_jie

IPCHUN = "입춘"


@dataclass(frozen=True, slots=True)
class MonthOption:
    before_jie: bool  # born before the 절's instant on that day
    year: Pillar
    month: Pillar
    daewoon_direction: Direction | None  # None without gender
    daewoon_number: int | None  # approximate: from the middle of this part of the day
    assumed: bool  # the option the chart (local noon) and so the whole analysis uses


@dataclass(frozen=True, slots=True)
class MonthUncertainty:
    jie_name: str
    jie_local: datetime  # the 절's instant in the birth's time zone
    options: tuple[MonthOption, MonthOption]  # (before the 절, after it)

    @property
    def assumed(self) -> MonthOption:
        return self.options[0] if self.options[0].assumed else self.options[1]

    @property
    def other(self) -> MonthOption:
        return self.options[1] if self.options[0].assumed else self.options[0]


def month_uncertainty(
    chart: Chart, male: bool | None, rounding: DaewoonRounding, convention: AgeConvention
) -> MonthUncertainty | None:
    if not chart.month_uncertain:
        return None
    zone = ZoneInfo(chart.birth.timezone)
    start = datetime.combine(chart.solar_date, time(0), tzinfo=zone)
    end = datetime.combine(chart.solar_date + timedelta(days=1), time(0), tzinfo=zone)
    previous = chart.previous_jie
    noon_after = previous.instant.astimezone(zone).date() == chart.solar_date
    jie = previous if noon_after else chart.next_jie
    minimum = 1 if convention is AgeConvention.KOREAN else 0
    shift = 1 if jie.name_hangul == IPCHUN else 0

    def option(before: bool) -> MonthOption:
        assumed = before != noon_after
        step = 0 if assumed else (-1 if before else 1)
        year = chart.year.shifted(step * shift)
        month = chart.month.shifted(step)
        lo, hi = (start, jie.instant) if before else (jie.instant, end)
        middle = lo + (hi - lo) / 2
        direction = number = None
        if male is not None:
            direction = daewoon_direction(year.stem, male=male)
            target = next_jie(middle) if direction is Direction.FORWARD else previous_jie(middle)
            number = max(daewoon_number(abs(target.instant - middle), rounding), minimum)
        return MonthOption(before, year, month, direction, number, assumed)

    return MonthUncertainty(jie.name_hangul, jie.instant.astimezone(zone), (option(True), option(False)))
