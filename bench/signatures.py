"""How many distinct day signatures (= AI calls per night) a population needs, and how that grows with N.

    .venv/bin/python bench/signatures.py                                  # 100,000 users, 4 dates
    .venv/bin/python bench/signatures.py --users 20000 --dates 2026-12-07

For each date it counts the distinct `saju.reading.signature.signature_key` values over prefixes of the
seeded population (`bench/population.py`), fits count ≈ a·N^b on the last two prefixes and extrapolates to
1,000,000 users (the count is bounded by the finite signature space, so the power-law tail over-estimates).
Tokens per night = classes × `--tokens` per call (the default is the one-call-per-user figure of
docs/scaling.md, 3,200), against one call per user. Pure engine work: no database, no provider.
Prints one JSON document (BENCHMARKS.md "Daily fortunes by class").
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import population
from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.reading.signature import day_signature, signature_key

PREFIXES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
SCALES = (10_000, 100_000, 1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--dates", default="2026-12-07,2027-01-15,2027-04-20,2027-08-03")
    parser.add_argument("--tokens", type=int, default=3_200, help="tokens per AI call")
    args = parser.parse_args()
    days = [date.fromisoformat(text) for text in args.dates.split(",")]
    reference = min(days)
    prefixes = sorted({p for p in PREFIXES if p < args.users} | {args.users})
    seen: dict[date, set[str]] = {day: set() for day in days}
    curve: dict[str, dict[int, int]] = {day.isoformat(): {} for day in days}
    started = time.perf_counter()
    for index, birth in enumerate(population(args.users, seed=args.seed), start=1):
        chart = chart_from_birth(BirthInput.from_mapping(birth))
        analysis = analyze(chart, reference=reference)
        for day in days:
            seen[day].add(signature_key(day_signature(chart, analysis, day)))
        if index in prefixes:
            for day in days:
                curve[day.isoformat()][index] = len(seen[day])
    elapsed = time.perf_counter() - started
    per_date = {}
    for day, counts in curve.items():
        (n1, c1), (n2, c2) = sorted(counts.items())[-2:]
        exponent = math.log(c2 / c1) / math.log(n2 / n1) if c2 > c1 else 0.0

        def classes(
            n: int, *, counts: dict[int, int] = counts, n2: int = n2, c2: int = c2, exponent: float = exponent
        ) -> int:
            return counts.get(n) or round(c2 * (n / n2) ** exponent)

        per_date[day] = {
            "distinct_by_users": counts,
            "growth_exponent_last_two": round(exponent, 3),
            "nightly": {
                str(n): {
                    "calls": classes(n),
                    "tokens": classes(n) * args.tokens,
                    "one_call_per_user_tokens": n * args.tokens,
                    "share": round(classes(n) / n, 4),
                    "extrapolated": n not in counts,
                }
                for n in SCALES
            },
        }
    print(
        json.dumps(
            {
                "users": args.users,
                "seed": args.seed,
                "tokens_per_call": args.tokens,
                "engine_seconds": round(elapsed, 1),
                "dates": per_date,
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
