"""CPU time of one 만세력 month (``saju.almanac.month_calendar``), against a per-day library baseline.

    .venv/bin/python bench/calendar_bench.py [--n 2000] [--baseline-n 100] [--chunks 10] [--seed 3]

Months are drawn at random from 1900-01..2100-12 before timing. Rows (CPU time of this process, per month):

* ``grid (cold)``: ``month_calendar`` with its month memo cleared before every call; the per-year holiday
  memo warm (the state of a server after its first request of that year);
* ``grid + holidays (cold)``: both memos cleared: building the ``holidays`` year is part of the cost
  (also timed call by call: median, p99 and max);
* ``grid (memo hit)``: the per-process memo, what every later request for the month costs;
* ``JSON document``: ``month_calendar_json`` + ``orjson.dumps`` of a memoized grid (an API response);
* ``baseline``: the same per-day facts from libraries, as one would without our tables: lunar-python
  (``Solar.fromYmd(...).getLunar()``: 일진, exact month and year 干支, 節氣 of the day) and
  korean-lunar-calendar (the Korean lunar date) for every day, holidays from the same warm year memo.

The rows alternate in ``--chunks`` rounds so that all see the same machine load; one process, one core.
"""

from __future__ import annotations

import argparse
import calendar as gregorian
import datetime as dt
import platform
import random
import time
from collections.abc import Callable

import orjson
from korean_lunar_calendar import KoreanLunarCalendar
from lunar_python import Solar

from saju.almanac.document import month_calendar_json
from saju.almanac.month import _holidays_of_year, month_calendar, public_holidays

Month = tuple[int, int]


def make_months(n: int, seed: int) -> list[Month]:
    rng = random.Random(seed)
    return [(rng.randint(1900, 2100), rng.randint(1, 12)) for _ in range(n)]


def grid_cold(months: list[Month]) -> None:
    for year, month in months:
        month_calendar.cache_clear()
        month_calendar(year, month)


SINGLE_CALLS: list[float] = []


def grid_all_cold(months: list[Month]) -> None:
    for year, month in months:
        month_calendar.cache_clear()
        _holidays_of_year.cache_clear()
        c0 = time.process_time()
        month_calendar(year, month)
        SINGLE_CALLS.append(time.process_time() - c0)


def grid_memo(months: list[Month]) -> None:
    for year, month in months:
        month_calendar(year, month)


def json_document(months: list[Month]) -> None:
    for year, month in months:
        orjson.dumps(month_calendar_json(month_calendar(year, month)))


def baseline(months: list[Month]) -> None:
    korean = KoreanLunarCalendar()
    for year, month in months:
        holidays = public_holidays(year)
        for day in range(1, gregorian.monthrange(year, month)[1] + 1):
            lunar = Solar.fromYmd(year, month, day).getLunar()
            (
                lunar.getDayInGanZhi(),
                lunar.getMonthInGanZhiExact(),
                lunar.getYearInGanZhiExact(),
                lunar.getJieQi(),
            )
            korean.setSolarDate(year, month, day)
            holidays.get(dt.date(year, month, day))


def warm(months: list[Month]) -> None:
    for year, _ in months:
        public_holidays(year)
    grid_memo(months)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--baseline-n", type=int, default=100)
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    months = make_months(args.n, args.seed)
    base_months = months[: args.baseline_n]
    baseline(base_months[:1])  # imports and lunar-python's tables
    rows: dict[str, tuple[Callable[[list[Month]], None], list[Month]]] = {
        "grid (cold)": (grid_cold, months),
        "grid + holidays (cold)": (grid_all_cold, months),
        "grid (memo hit)": (grid_memo, months),
        "JSON document": (json_document, months),
        "baseline": (baseline, base_months),
    }
    cpu = dict.fromkeys(rows, 0.0)
    for i in range(args.chunks):
        for name, (func, items) in rows.items():
            step = -(-len(items) // args.chunks)
            chunk = items[i * step : (i + 1) * step]
            warm(chunk)  # every row starts from a warm holiday memo and memoized grids
            c0 = time.process_time()
            func(chunk)
            cpu[name] += time.process_time() - c0
    print(f"python {platform.python_version()} on {platform.machine()}, {args.chunks} alternating rounds")
    for name, (_, items) in rows.items():
        per = cpu[name] / len(items) * 1e6
        print(f"{name:>24}: {len(items):>5} months, CPU {cpu[name]:7.3f} s = {per:9,.1f} µs per month")
    ratio = (cpu["baseline"] / len(base_months)) / (cpu["grid (cold)"] / len(months))
    print(f"baseline / grid (cold): {ratio:,.0f}x")
    calls = sorted(SINGLE_CALLS)
    median, p99, worst = (calls[len(calls) // 2], calls[len(calls) * 99 // 100], calls[-1])
    print(
        f"grid + holidays (cold), single calls: median {median * 1e6:,.0f} µs, p99 {p99 * 1e6:,.0f} µs, max {worst * 1e6:,.0f} µs"
    )


if __name__ == "__main__":
    main()
