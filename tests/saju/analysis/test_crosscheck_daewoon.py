"""대운 start and 천덕/월덕 cross-checked against two independent implementations: lunar-python (6tail) and
tyme4py (6tail's successor library, PyPI `tyme4py`).

Known convention differences (docs/analysis.md, "Sources and checks"):
- Both libraries read Beijing wall time (UTC+8, no DST): births are given to them as the same instant at UTC+8.
- lunar-python `getYun(gender, 2)` counts whole minutes between minute-truncated times (4320 min = 1 year,
  360 = 1 month, 12 = 1 day, the rest × 2 = hours); we count the exact interval. Its minute count is ours
  or one more; the (years, months, days) then agree except near a 12-minute boundary.
- lunar-python's start date adds the leftover hours too; ours (like tyme4py's China95 provider) stops at days.
- tyme4py rolls a day past the month's end into the next month (1-31 + 1 month → 3-3); lunar-python and
  we clamp to the month's last day (2-28). Only births on the 29th–31st can differ.
- Age: lunar-python's first 大运 starts in the calendar year of the exact start date (虚岁 from there); ours
  reads the 대운수 as 세는 나이 N, i.e. the year birth + N − 1 (or 만 N세 = birth + N). Counted, not asserted.
- 천덕/월덕: lunar-python has them as day gods of the 通書 (`getDayJiShen`), so only the day pillar can be
  compared, and its table differs in known places (below).
"""

from __future__ import annotations

import random
from datetime import date, timedelta, timezone

import pytest
from lunar_python import Solar
from lunar_python.util import LunarUtil
from tyme4py.eightchar import ChildLimit
from tyme4py.eightchar.provider.impl import China95ChildLimitProvider
from tyme4py.enums import Gender as TymeGender
from tyme4py.solar import SolarTime

from saju.analysis import FLOOR, analyze
from saju.analysis.shinsal import find_shinsal
from saju.core import BRANCHES, PILLARS
from tests.saju.analysis.helpers import real_chart

BEIJING = timezone(timedelta(hours=8))
BIRTHS = 1000
REF = date(2026, 11, 24)


def _births(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = date(1901, 1, 1) + timedelta(days=rng.randrange(0, 365 * 198))
        out.append(
            (
                f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
                rng.choice(["male", "female"]),
            )
        )
    return out


@pytest.mark.slow  # 1,000 births through two reference libraries (~40 s): `make test`, not `make test-fast`
def test_daewoon_direction_interval_and_start_date_against_lunar_python_and_tyme4py() -> None:
    previous = ChildLimit.provider
    ChildLimit.provider = China95ChildLimitProvider()
    counts = {
        "compared": 0,
        "offset_equal": 0,
        "lunar_date": 0,
        "tyme_offset_equal": 0,
        "tyme_date": 0,
        "year_of_exact_start": 0,
    }
    try:
        for when, gender in _births(BIRTHS, 14):
            chart = real_chart(when, gender)
            d = analyze(chart, reference=max(REF, chart.solar_date), daewoon_rounding=FLOOR).daewoon
            assert d is not None and chart.instant_utc is not None
            bj = chart.instant_utc.astimezone(BEIJING)
            eight = (
                Solar.fromYmdHms(bj.year, bj.month, bj.day, bj.hour, bj.minute, bj.second)
                .getLunar()
                .getEightChar()
            )
            if (eight.getYear(), eight.getMonth()) != (chart.year.hanja, chart.month.hanja):
                continue  # a 절 within seconds of the birth: the libraries' term tables disagree by seconds
            counts["compared"] += 1
            yun = eight.getYun(1 if gender == "male" else 0, 2)
            assert yun.isForward() == (d.direction.value == "순행")
            theirs = (yun.getStartYear(), yun.getStartMonth(), yun.getStartDay())
            ours = (d.offset.years, d.offset.months, d.offset.days)
            their_minutes = theirs[0] * 4320 + theirs[1] * 360 + theirs[2] * 12 + yun.getStartHour() // 2
            our_minutes = int(d.offset.interval.total_seconds() // 60)
            assert abs(their_minutes - our_minutes) <= 1, when  # minute truncation, term tables seconds apart
            assert yun.getStartYear() == d.number or (
                yun.getStartYear() == 0 and d.number == 1
            )  # floor; 세는 나이 ≥ 1
            same_base = bj.date() == chart.solar_date  # a birth 00:00–00:59 KST is the day before in Beijing
            if theirs == ours:
                counts["offset_equal"] += 1
                if same_base:
                    start = (
                        Solar.fromYmd(bj.year, bj.month, bj.day)
                        .nextYear(theirs[0])
                        .nextMonth(theirs[1])
                        .next(theirs[2])
                    )
                    assert date(start.getYear(), start.getMonth(), start.getDay()) == d.exact_start, when
                    counts["lunar_date"] += 1
            counts["year_of_exact_start"] += yun.getDaYun()[1].getStartYear() == d.exact_start.year
            limit = ChildLimit(
                SolarTime(bj.year, bj.month, bj.day, bj.hour, bj.minute, bj.second),
                TymeGender.MAN if gender == "male" else TymeGender.WOMAN,
            )
            assert limit.is_forward() == (d.direction.value == "순행")
            tyme = (limit.get_year_count(), limit.get_month_count(), limit.get_day_count())
            if tyme == ours:
                counts["tyme_offset_equal"] += 1
                end = limit.get_end_time()
                if same_base:
                    end_date = date(end.get_year(), end.get_month(), end.get_day())
                    assert end_date == d.exact_start or chart.solar_date.day >= 29, (
                        when
                    )  # tyme4py rolls month ends
                    counts["tyme_date"] += end_date == d.exact_start
    finally:
        ChildLimit.provider = previous
    assert counts["compared"] >= 0.95 * BIRTHS
    assert counts["offset_equal"] >= 0.9 * counts["compared"]
    assert counts["tyme_offset_equal"] >= 0.97 * counts["compared"]
    assert (
        counts["year_of_exact_start"] >= 0.99 * counts["compared"]
    )  # their 大运 year = the year of our exact date


# lunar-python's 通書 day gods never place 天德 on a day by its branch (子卯午酉 months: 巳 申 亥 寅 are
# directions there), and differ from the 命理 tables on these (month branch, day pillar) entries:
TONGSHU_CHEONDEOK = {("辰", "壬寅"), ("申", "壬午"), ("亥", "己卯")}
TONGSHU_WOLDEOK = {("丑", "丙寅"), ("午", "戊午"), ("戌", "庚戌"), ("亥", "乙亥"), ("亥", "己酉")}
BRANCH_CHEONDEOK = {"子": "巳", "卯": "申", "午": "亥", "酉": "寅"}


def test_cheondeok_and_woldeok_of_the_day_pillar_against_lunar_pythons_day_gods() -> None:
    """All 12 months × 60 day pillars: every disagreement is one of the documented table differences."""
    for month_branch in BRANCHES:
        month = next(p for p in PILLARS if p.branch is month_branch)
        for day in PILLARS:
            gods = LunarUtil.getDayJiShen(month_branch.index, day.hanja)
            hits = {h.key: h.slots for h in find_shinsal([("년", PILLARS[0]), ("월", month), ("일", day)])}
            cheondeok = any(s in ("일간", "일지") for s in hits.get("cheondeok", ()))
            woldeok = "일간" in hits.get("woldeok", ())
            key = (month_branch.hanja, day.hanja)
            if cheondeok != ("天德" in gods):
                assert (
                    key in TONGSHU_CHEONDEOK or BRANCH_CHEONDEOK.get(month_branch.hanja) == day.branch.hanja
                ), key
            if woldeok != ("月德" in gods):
                assert key in TONGSHU_WOLDEOK, key
