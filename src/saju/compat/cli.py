"""`saju gunghap "1990-05-15 14:30" "1988-02-03 09:10" --a-gender female --b-gender male [--relation …]
[--a-lunar … / --b-no-time …] [--json]`: the 궁합 of two births.

A bad birth names the person: ``오류 [INVALID_DATE]: B: …``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import orjson

from saju.analysis.analyze import today_kst
from saju.chart import Chart, chart_from_birth, conventions_to_json
from saju.cliargs import Parser, add_birth_options, birth_from_args
from saju.compat.engine import compatibility
from saju.compat.model import Compatibility, Relationship, Side
from saju.compat.serialize import compat_to_json
from saju.errors import INVALID_DATE, InvalidBirth, SajuError

EXIT_OK = 0
PERSON_WORDS = {Side.A: "A(첫째 사람)", Side.B: "B(둘째 사람)"}


def _chart(args: argparse.Namespace, side: Side) -> Chart:
    value = args.datetime_a if side is Side.A else args.datetime_b
    try:
        return chart_from_birth(birth_from_args(args, f"{side.value}-", value))
    except SajuError as exc:
        raise InvalidBirth(exc.code, f"{PERSON_WORDS[side]}: {exc.message}") from None


def _reference(text: str | None) -> dt.date:
    if not text:
        return today_kst()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidBirth(INVALID_DATE, f"날짜 형식이 아닙니다: {text!r} (예: 2026-11-24)") from None


def gunghap_text(result: Compatibility, a: Chart, b: Chart) -> str:
    """A plain Korean summary for a terminal: both charts, the score with its breakdown, every fact."""

    def pillars(chart: Chart) -> str:
        return " ".join(
            "-" if p is None else p.hanja for p in (chart.hour, chart.day, chart.month, chart.year)
        )

    lines = [
        f"궁합 ({result.relation.label}) · 기준 {result.reference.isoformat()} ({result.year}년 {result.year_pillar})",
        f"A  시일월년  {pillars(a)}",
        f"B  시일월년  {pillars(b)}",
        "",
        f"점수 {result.score} = 기본 {result.base}"
        + "".join(f" {c.contribution:+g}({c.category.title})" for c in result.breakdown if c.points),
    ]
    for c in result.breakdown:
        lines.append(f"  {c.category.title}: {c.points:+d} × {c.weight:g} = {c.contribution:+g}  [{c.rule}]")
    current = None
    for fact in result.facts:
        if fact.category is not current:
            current = fact.category
            lines.append(f"[{current.title}]")
        owner = f" ({fact.owner.value.upper()} 쪽)" if fact.owner is not None else ""
        lines.append(f"  {fact.name}{owner} · {fact.where} · {fact.points:+d} · {fact.rule}")
    lines.extend(f"※ {n.text}" for n in result.notes)
    return "\n".join(lines)


def _cmd_gunghap(args: argparse.Namespace) -> int:
    a, b = _chart(args, Side.A), _chart(args, Side.B)
    result = compatibility(a, b, Relationship(args.relation), _reference(args.reference))
    out = sys.stdout.buffer
    if args.json:
        document = compat_to_json(result)
        document["conventions"] = {
            "a": conventions_to_json(a.conventions),
            "b": conventions_to_json(b.conventions),
        }
        document["charts"] = {
            side: {
                key: None if p is None else p.hanja
                for key, p in zip(("year", "month", "day", "hour"), c.pillars, strict=True)
            }
            for side, c in (("a", a), ("b", b))
        }
        out.write(orjson.dumps(document) + b"\n")
    else:
        out.write(gunghap_text(result, a, b).encode() + b"\n")
    out.flush()
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `saju gunghap` with every chart option per person as --a-* / --b-*."""
    p = sub.add_parser("gunghap", help="두 사람의 궁합 (점수와 그 근거, --json)")
    p.add_argument("datetime_a", help='A의 출생 일시, 예: "1990-05-15 14:30"')
    p.add_argument("datetime_b", help='B의 출생 일시, 예: "1988-02-03 09:10"')
    p.add_argument(
        "--relation",
        choices=[r.value for r in Relationship],
        default=Relationship.COUPLE.value,
        help="관계: couple 연인·부부, friend 친구, work 동료·사업, parent A가 부모, child A가 자녀, sibling 형제",
    )
    p.add_argument("--reference", metavar="DATE", help="기준일 (올해 세운·현재 대운, 기본: 오늘 KST)")
    p.add_argument("--json", action="store_true", help="사실, 점수 내역, 두 사주의 기준을 JSON으로")
    add_birth_options(p, "a-", "A")
    add_birth_options(p, "b-", "B")
    p.set_defaults(func=_cmd_gunghap)
