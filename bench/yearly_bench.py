"""CPU time of a year fortune's facts (``saju.yearly.year_fortune``), against a naive same-run baseline.

    .venv/bin/python bench/yearly_bench.py [--n 400] [--chunks 8] [--seed 17]

Random charts (1930–2060, random hour and gender, Seoul) and a random year from the birth year to 2100 are
drawn before timing; charts are built before timing too (the API parses the birth once per request anyway).
Rows, CPU time of this process per year fortune:

* ``facts (cold)``: ``year_fortune(chart, year)`` alone — it runs ``analyze`` itself (용신, 대운), then the
  세운, the 대운 change, 12 월운 with their relations, stars and scores: what `POST /api/v1/yearly` computes;
* ``facts (analysis given)``: the same with an analysis the caller already has (the pages);
* ``facts + JSON``: ``year_fortune`` + ``year_fortune_json`` + ``orjson.dumps``;
* ``facts + reading``: ``year_fortune`` + the rule-based Korean reading (``year_reading``);
* ``timeline (10 years)``: ``life_timeline`` of a ten-year span (ten year fortunes on one analysis);
* ``baseline``: what one would write with the existing engine alone — ``analyze`` at the start of each of
  the 12 months (its 월운, 세운 and 대운 as of that day) plus one for the year: 13 analyses per year.

Rows alternate in ``--chunks`` rounds so that all see the same machine load; one process, one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import time
from collections.abc import Callable

import orjson

from saju.analysis import analyze
from saju.birth import BirthInput
from saju.calendar import month_pillars_of
from saju.chart import Chart, chart_from_birth
from saju.terms import KST
from saju.yearly import year_fortune
from saju.yearly.document import year_fortune_json
from saju.yearly.reading import year_reading
from saju.yearly.timeline import life_timeline

Case = tuple[Chart, int]


def make_cases(n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        day = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 131 * 365))
        birth = {
            "datetime": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}",
            "gender": rng.choice(["male", "female"]),
        }
        chart = chart_from_birth(BirthInput.from_mapping(birth))
        cases.append((chart, rng.randint(chart.solar_date.year, 2100)))
    return cases


def facts_cold(cases: list[Case]) -> None:
    for chart, year in cases:
        year_fortune(chart, year)


ANALYSES: dict[int, object] = {}


def facts_given(cases: list[Case]) -> None:
    for chart, year in cases:
        year_fortune(chart, year, analysis=ANALYSES[id(chart)])  # type: ignore[arg-type]


def facts_json(cases: list[Case]) -> None:
    for chart, year in cases:
        orjson.dumps(year_fortune_json(year_fortune(chart, year)))


def facts_reading(cases: list[Case]) -> None:
    for chart, year in cases:
        year_reading(year_fortune(chart, year))


def timeline(cases: list[Case]) -> None:
    for chart, year in cases:
        life_timeline(chart, current_year=min(year, 2091))


def baseline(cases: list[Case]) -> None:
    for chart, year in cases:
        analyze(chart, reference=max(dt.date(year, 6, 1), chart.solar_date))
        for term, _ in month_pillars_of(year):
            analyze(chart, reference=max(term.instant.astimezone(KST).date(), chart.solar_date))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--chunks", type=int, default=8)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    cases = make_cases(args.n, args.seed)
    for chart, year in cases:
        ANALYSES[id(chart)] = analyze(chart, reference=max(dt.date(year, 6, 1), chart.solar_date))
    facts_cold(cases[:5])  # imports, first-call tables
    single: list[float] = []

    def facts_single(items: list[Case]) -> None:
        for chart, year in items:
            c0 = time.process_time()
            year_fortune(chart, year)
            single.append(time.process_time() - c0)

    rows: dict[str, Callable[[list[Case]], None]] = {
        "facts (cold)": facts_single,
        "facts (analysis given)": facts_given,
        "facts + JSON": facts_json,
        "facts + reading": facts_reading,
        "timeline (10 years)": timeline,
        "baseline (13 analyses)": baseline,
    }
    cpu = dict.fromkeys(rows, 0.0)
    step = -(-len(cases) // args.chunks)
    for i in range(args.chunks):
        chunk = cases[i * step : (i + 1) * step]
        for name, func in rows.items():
            c0 = time.process_time()
            func(chunk)
            cpu[name] += time.process_time() - c0
    print(f"python {platform.python_version()} on {platform.machine()}, {args.chunks} alternating rounds")
    for name in rows:
        per = cpu[name] / len(cases) * 1e3
        print(f"{name:>24}: {len(cases):>5} cases, CPU {cpu[name]:7.3f} s = {per:7.3f} ms each")
    ratio = cpu["baseline (13 analyses)"] / cpu["facts (cold)"]
    print(f"baseline / facts (cold): {ratio:,.1f}x")
    calls = sorted(single)
    median, p99, worst = calls[len(calls) // 2], calls[len(calls) * 99 // 100], calls[-1]
    print(
        f"facts (cold), single calls: median {median * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, max {worst * 1e3:.3f} ms"
    )


if __name__ == "__main__":
    main()
