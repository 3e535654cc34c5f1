"""Full chart analysis per second (parse → chart → analyze), against lunar-python's EightChar + 十神 + 大运.

    .venv/bin/python bench/analysis_bench.py [--n 20000] [--lunar-python-n 2000] [--seed 7] [--json]

Inputs are unique random births 1900-01-01..2099-12-31 (Asia/Seoul, both genders, a tenth without a
time), generated before timing; each is analysed as of 2026-11-24 or, for a birth after that, its birth date
(the engine refuses a reference before the birth). Ours: ``BirthInput.from_mapping`` → ``chart_from_birth`` →
``analyze(chart, reference=...)`` — every analysis item, including the ten 대운 with their relations, two
세운, twelve 월운 and the 일진; ``--json`` also times ``analysis_to_json`` + orjson. Only tables keyed by
stems, branches, labels or rule decisions are memoized (pair relations, 신살 by branch, 용신 by decision,
shared relation/hit objects and their JSON); nothing per input. lunar-python on the first
``--lunar-python-n`` of the same inputs: ``Solar.fromYmdHms(...).getLunar().getEightChar()``, the ten gods
of the three stems and four branches (``get*ShiShenGan/Zhi``), 地势 of the four pillars, and
``getYun(gender).getDaYun()`` with each 大运's 干支 and start age. One process, one core.

궁합 row: consecutive inputs taken as disjoint pairs, each parsed, charted and analysed (both, as of the later
of their reference dates) and then ``compatibility(a, b, couple, reference, analysis_a=..., analysis_b=...)``;
its cost is compared with two single analyses of the same round (goal: below 2 × single + 30 %).
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from datetime import date

import orjson

from saju.analysis import analysis_to_json, analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.compat import Relationship, compatibility

REFERENCE = date(2026, 11, 24)


def reference_for(data: dict[str, object]) -> date:
    """The analysis date of an input: REFERENCE, or the birth date of a birth after it."""
    return max(REFERENCE, date.fromisoformat(str(data["datetime"])[:10]))


FIRST_YEAR = 1900
LAST_YEAR = 2099


def make_inputs(n: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[dict[str, object]] = []
    while len(out) < n:
        y = rng.randint(FIRST_YEAR, LAST_YEAR)
        text = f"{y:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        gender = rng.choice(("male", "female"))
        key = text + gender
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {"datetime": text, "gender": gender, "time_basis": "standard", "time_unknown": rng.random() < 0.1}
        )
    return out


def run_ours(inputs: list[dict[str, object]], *, with_json: bool) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, invalid inputs)."""
    errors = 0
    references = [reference_for(data) for data in inputs]
    cpu, wall = time.process_time(), time.perf_counter()
    for data, reference in zip(inputs, references, strict=True):
        try:
            chart = chart_from_birth(BirthInput.from_mapping(data))
        except ValueError:
            errors += 1
            continue
        a = analyze(chart, reference=reference)
        if with_json:
            orjson.dumps(analysis_to_json(a))
    return time.process_time() - cpu, time.perf_counter() - wall, errors


def run_gunghap(inputs: list[dict[str, object]]) -> tuple[float, int]:
    """(CPU seconds, pairs): each pair's two charts, two analyses and their 궁합."""
    pairs = []
    for first, second in zip(inputs[0::2], inputs[1::2], strict=False):
        try:
            births = (BirthInput.from_mapping(first), BirthInput.from_mapping(second))
            chart_from_birth(births[0]), chart_from_birth(births[1])
        except ValueError:
            continue
        pairs.append((first, second, max(reference_for(first), reference_for(second))))
    cpu = time.process_time()
    for first, second, reference in pairs:
        chart_a = chart_from_birth(BirthInput.from_mapping(first))
        chart_b = chart_from_birth(BirthInput.from_mapping(second))
        analysis_a = analyze(chart_a, reference=reference)
        analysis_b = analyze(chart_b, reference=reference)
        compatibility(
            chart_a, chart_b, Relationship.COUPLE, reference, analysis_a=analysis_a, analysis_b=analysis_b
        )
    return time.process_time() - cpu, len(pairs)


def run_lunar(inputs: list[dict[str, object]]) -> tuple[float, float]:
    from lunar_python import Solar

    cpu, wall = time.process_time(), time.perf_counter()
    for data in inputs:
        text = str(data["datetime"])
        y, m, d = int(text[:4]), int(text[5:7]), int(text[8:10])
        hh, mm = int(text[11:13]), int(text[14:16])
        ec = Solar.fromYmdHms(y, m, d, hh, mm, 0).getLunar().getEightChar()
        (
            ec.getYearShiShenGan(),
            ec.getMonthShiShenGan(),
            ec.getTimeShiShenGan(),
            ec.getYearShiShenZhi(),
            ec.getMonthShiShenZhi(),
            ec.getDayShiShenZhi(),
            ec.getTimeShiShenZhi(),
            ec.getYearDiShi(),
            ec.getMonthDiShi(),
            ec.getDayDiShi(),
            ec.getTimeDiShi(),
        )
        yun = ec.getYun(1 if data["gender"] == "male" else 0)
        [(dy.getGanZhi(), dy.getStartAge()) for dy in yun.getDaYun()]
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--lunar-python-n", type=int, default=2000)
    parser.add_argument("--chunks", type=int, default=10, help="alternate the two in this many rounds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also build and serialize analysis_to_json")
    args = parser.parse_args()
    inputs = make_inputs(args.n, args.seed)
    lunar_inputs = inputs[: args.lunar_python_n]
    ours_cpu = ours_wall = lunar_cpu = lunar_wall = pair_cpu = 0.0
    errors = pairs = 0
    for k in range(args.chunks):
        # Alternating rounds let both see the same machine load.
        ours = inputs[k * len(inputs) // args.chunks : (k + 1) * len(inputs) // args.chunks]
        theirs = lunar_inputs[
            k * len(lunar_inputs) // args.chunks : (k + 1) * len(lunar_inputs) // args.chunks
        ]
        c, w, e = run_ours(ours, with_json=args.json)
        ours_cpu, ours_wall, errors = ours_cpu + c, ours_wall + w, errors + e
        c, w = run_lunar(theirs)
        lunar_cpu, lunar_wall = lunar_cpu + c, lunar_wall + w
        c, n = run_gunghap(ours)
        pair_cpu, pairs = pair_cpu + c, pairs + n
    done = len(inputs) - errors
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(
        f"saju parse+chart+analyze{' + json' if args.json else ''}: {done} charts, "
        f"{done / ours_cpu:,.0f}/s CPU, {done / ours_wall:,.0f}/s wall ({errors} invalid inputs skipped)"
    )
    print(
        f"lunar-python EightChar+十神+地势+大运: {len(lunar_inputs)} charts, "
        f"{len(lunar_inputs) / lunar_cpu:,.0f}/s CPU, {len(lunar_inputs) / lunar_wall:,.0f}/s wall"
    )
    single = ours_cpu / done
    print(
        f"saju 궁합 (2 charts + 2 analyses + compatibility): {pairs} pairs, {pairs / pair_cpu:,.0f}/s CPU; "
        f"one 궁합 = {pair_cpu / pairs / single:.2f} single analyses (goal < 2.6 = 2 + 30 %)"
    )
    print(
        f"ratio: {(done / ours_cpu) / (len(lunar_inputs) / lunar_cpu):.1f}x CPU, "
        f"{(done / ours_wall) / (len(lunar_inputs) / lunar_wall):.1f}x wall"
    )


if __name__ == "__main__":
    main()
