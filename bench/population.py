"""A seeded synthetic population of Korean users for the daily-fortune scaling measurements (issue 19).

Birth years 1940–2015 are weighted by Korean live births per year (`bench/data/births_kr_1940_2015.csv`,
Statistics Korea; sources in `bench/data/README.md`), the date within the year and the time of day are
uniform (a wall time inside a daylight-saving gap moves one hour later), 10 % have no birth time, and the
genders follow the birth sex ratio (105 boys per 100 girls).
The same seed always gives the same people in the same order, so a prefix of N users is the population
of size N.

    .venv/bin/python bench/population.py --users 5 --seed 19     # prints the birth mappings (JSON lines)
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.errors import SajuError

BIRTHS_CSV = Path(__file__).resolve().parent / "data" / "births_kr_1940_2015.csv"
NO_TIME_SHARE = 0.10
MALE_SHARE = 105 / 205
MINUTES_PER_DAY = 24 * 60


def births_by_year() -> dict[int, int]:
    with BIRTHS_CSV.open(newline="") as handle:
        return {int(row["year"]): int(row["births"]) for row in csv.DictReader(handle)}


def population(users: int, *, seed: int = 19) -> Iterator[dict[str, object]]:
    """`users` birth mappings (the engine's input: `BirthInput.from_mapping`)."""
    table = births_by_year()
    years = list(table)
    weights = [table[year] for year in years]
    rng = random.Random(seed)
    for _ in range(users):
        year = rng.choices(years, weights)[0]
        first = date(year, 1, 1)
        day = first + timedelta(days=rng.randrange((date(year + 1, 1, 1) - first).days))
        gender = "male" if rng.random() < MALE_SHARE else "female"
        if rng.random() < NO_TIME_SHARE:
            yield {"datetime": day.isoformat(), "gender": gender}
            continue
        minute = rng.randrange(MINUTES_PER_DAY)
        yield _valid(
            {"datetime": f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}", "gender": gender}
        )


def _valid(birth: dict[str, object]) -> dict[str, object]:
    """A wall time inside a daylight-saving gap (Korea 1948–1988) does not exist: take the next hour."""
    try:
        chart_from_birth(BirthInput.from_mapping(birth))
    except SajuError:
        day, clock = str(birth["datetime"]).split("T")
        hour = int(clock[:2]) + 1
        if hour < 24:
            return {**birth, "datetime": f"{day}T{hour:02d}{clock[2:]}"}
        return {**birth, "datetime": day}
    return birth


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    for birth in population(args.users, seed=args.seed):
        print(json.dumps(birth))


if __name__ == "__main__":
    main()
