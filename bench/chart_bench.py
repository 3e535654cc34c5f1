"""Charts per second through the public API of ``saju chart --json``, against lunar-python's EightChar.

    .venv/bin/python bench/chart_bench.py [--n 30000] [--lunar-python-n 3000] [--seed 1]

Inputs are unique random births 1900-01-01..2100-12-31 (Asia/Seoul, all time bases and 자시 rules,
a tenth without a time), generated before timing. Each is parsed (``BirthInput.from_mapping``),
charted (``chart_from_birth``), turned into the JSON document (``chart_document``) and serialized
with orjson, exactly as ``saju chart --batch`` does; nothing is cached between inputs except the
term/lunar tables and the loaded time zone. lunar-python computes ``Solar.fromYmdHms(...)
.getLunar().getEightChar()`` and its four pillars on the first ``--lunar-python-n`` of the same inputs.
One process, one core.
"""

from __future__ import annotations

import argparse
import platform
import random
import time

import orjson

from saju.birth import BirthInput, DayChange, TimeBasis
from saju.chart import chart_from_birth
from saju.cli import chart_document
from saju.errors import SajuError

FIRST_YEAR = 1900
LAST_YEAR = 2100


def make_inputs(n: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    bases = [b.value for b in TimeBasis]
    rules = [d.value for d in DayChange]
    out: list[dict[str, object]] = []
    while len(out) < n:
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        text = (
            f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        )
        if text in seen:
            continue
        seen.add(text)
        item: dict[str, object] = {
            "datetime": text,
            "time_basis": rng.choice(bases),
            "day_change": rng.choice(rules),
            "fold": 0,
            "gender": rng.choice(["female", "male"]),
        }
        if rng.random() < 0.1:
            item["time_unknown"] = True
        if rng.random() < 0.5:
            item["longitude"] = round(rng.uniform(124.5, 131.0), 3)
        out.append(item)
    return out


def run_saju(inputs: list[dict[str, object]]) -> int:
    errors = 0
    for item in inputs:
        try:
            orjson.dumps(chart_document(chart_from_birth(BirthInput.from_mapping(item))))
        except SajuError:
            errors += 1  # a wall time skipped by daylight saving: a real, reported result
    return errors


def lunar_python_args(inputs: list[dict[str, object]]) -> list[tuple[int, ...]]:
    out = []
    for item in inputs:
        text = str(item["datetime"])
        fields = (
            text[0:4],
            text[5:7],
            text[8:10],
            text[11:13] or "12",
            text[14:16] or "0",
            text[17:19] or "0",
        )
        out.append(tuple(int(x) for x in fields))
    return out


def run_lunar_python(args: list[tuple[int, ...]]) -> None:
    from lunar_python import Solar

    for y, m, d, hh, mm, ss in args:
        eight = Solar.fromYmdHms(y, m, d, hh, mm, ss).getLunar().getEightChar()
        (eight.getYear(), eight.getMonth(), eight.getDay(), eight.getTime())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=30000)
    parser.add_argument("--lunar-python-n", type=int, default=3000)
    parser.add_argument(
        "--chunks", type=int, default=10, help="alternate the two libraries in this many rounds"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    inputs = make_inputs(args.n, args.seed)
    lp_inputs = lunar_python_args(inputs[: args.lunar_python_n])
    chart_from_birth(BirthInput.from_mapping({"datetime": "2000-01-01T00:00"}))  # load zone and tables
    run_lunar_python(lunar_python_args([{"datetime": "2000-01-01T00:00:00"}]))  # import lunar-python
    # Alternate the two in rounds so that both see the same machine load; CPU time of this process
    # is the one-core measure, wall time is printed too.
    cpu = {"saju": 0.0, "lunar-python": 0.0}
    wall = {"saju": 0.0, "lunar-python": 0.0}
    errors = 0
    step, lp_step = -(-len(inputs) // args.chunks), -(-len(lp_inputs) // args.chunks)
    for i in range(args.chunks):
        c0, w0 = time.process_time(), time.perf_counter()
        errors += run_saju(inputs[i * step : (i + 1) * step])
        c1, w1 = time.process_time(), time.perf_counter()
        run_lunar_python(lp_inputs[i * lp_step : (i + 1) * lp_step])
        c2, w2 = time.process_time(), time.perf_counter()
        cpu["saju"] += c1 - c0
        wall["saju"] += w1 - w0
        cpu["lunar-python"] += c2 - c1
        wall["lunar-python"] += w2 - w1
    counts = {"saju": len(inputs), "lunar-python": len(lp_inputs)}
    print(f"python {platform.python_version()} on {platform.machine()}, {args.chunks} alternating rounds")
    for name in ("saju", "lunar-python"):
        print(
            f"{name:>12}: {counts[name]:>6} inputs, CPU {cpu[name]:7.3f} s = {counts[name] / cpu[name]:>9,.0f} charts/s,"
            f" wall {wall[name]:7.3f} s = {counts[name] / wall[name]:>9,.0f} charts/s"
        )
    ratio_cpu = (counts["saju"] / cpu["saju"]) / (counts["lunar-python"] / cpu["lunar-python"])
    ratio_wall = (counts["saju"] / wall["saju"]) / (counts["lunar-python"] / wall["lunar-python"])
    print(f"ratio saju / lunar-python: {ratio_cpu:,.0f}x (CPU time), {ratio_wall:,.0f}x (wall time)")
    print(f"saju: parse + chart + JSON document + orjson per input; {errors} nonexistent wall times reported")


if __name__ == "__main__":
    main()
