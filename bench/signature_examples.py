"""The quality guard of docs/scaling.md: what 5 users who share a day signature, and 5 who don't, receive.

    .venv/bin/python bench/signature_examples.py --date 2026-12-07

Prints, for each person, their signature, the first lines of the class text they share (the built-in class
text; the AI's is written from the same facts) and their own engine-written lines. Engine only.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import population
from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.reading.signature import daily_personal, day_signature, signature_key, signature_markdown


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--date", default="2026-12-07")
    parser.add_argument("--users", type=int, default=3000)
    args = parser.parse_args()
    day = date.fromisoformat(args.date)
    classes: dict[str, list[dict[str, object]]] = defaultdict(list)
    for birth in population(args.users, seed=19):
        chart = chart_from_birth(BirthInput.from_mapping(birth))
        classes[signature_key(day_signature(chart, analyze(chart, reference=day), day))].append(birth)
    ranked = sorted(classes.items(), key=lambda item: len(item[1]), reverse=True)
    shared = ranked[0][1][:5]
    apart = [members[0] for _, members in ranked[1:6]]
    for title, group in (("5 users who share a signature", shared), ("5 users who don't", apart)):
        print(f"## {title}\n")
        for birth in group:
            chart = chart_from_birth(BirthInput.from_mapping(birth))
            analysis = analyze(chart, reference=day)
            sig = day_signature(chart, analysis, day)
            text = signature_markdown(sig, day).splitlines()
            personal = daily_personal(chart, analysis, day)
            print(f"- birth {birth['datetime']} ({birth['gender']}) — signature `{signature_key(sig)}`")
            print(f"  - class text: {text[0]} / {text[4]}")
            print(f"  - own lines: {personal.pillars}; {personal.day}; {personal.lucky}")
            for line in personal.relations[:2]:
                print(f"    - {line}")
        print()


if __name__ == "__main__":
    main()
