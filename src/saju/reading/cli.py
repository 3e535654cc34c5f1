"""CLI hooks of the reading: `saju reading "1990-05-15 14:30" --gender female [chart options]` and
`saju chart … --with reading`.

`saju.cli` imports this module and calls `register` / `chart_extension` / `chart_text`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import orjson

from saju.analysis.analyze import analyze, today_kst
from saju.analysis.cli import chart_reference
from saju.analysis.luck import AgeConvention, DaewoonRounding
from saju.chart import Chart, chart_from_birth
from saju.cliargs import CliError, Parser, add_birth_arguments, birth_from_args
from saju.errors import INVALID_DATE, InvalidBirth
from saju.reading.build import build_reading, reading_to_json, reading_to_markdown
from saju.reading.daily import daily_fortune, daily_markdown, daily_to_json
from saju.reading.voice import Voice

EXIT_OK = 0


def chart_extension(chart: Chart) -> object:
    """`--with reading`: the rule-based reading as of today (KST) or the later birth date, as sections."""
    return reading_to_json(build_reading(chart, analyze(chart, reference=chart_reference(chart))))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidBirth(INVALID_DATE, f"날짜 형식이 아닙니다: {text!r} (예: 2026-11-24)") from None


def _cmd_reading(args: argparse.Namespace) -> int:
    if args.datetime is None:
        raise CliError('오류 [USAGE]: 출생 일시(예: "1990-05-15 14:30")가 필요합니다.')
    chart = chart_from_birth(birth_from_args(args))
    reference = _date(args.reference) if args.reference else today_kst()
    analysis = analyze(
        chart,
        reference=reference,
        daewoon_rounding=DaewoonRounding(args.daewoon_rounding),
        age_convention=AgeConvention(args.age),
    )
    out = sys.stdout.buffer
    voice = Voice(args.voice)
    if args.daily:
        fortune = daily_fortune(chart, analysis, _date(args.daily), voice=voice)
        if args.json:
            out.write(orjson.dumps(daily_to_json(fortune)) + b"\n")
        else:
            out.write(daily_markdown(fortune).encode())
    else:
        reading = build_reading(chart, analysis, voice=voice)
        if args.json:
            out.write(orjson.dumps(reading_to_json(reading)) + b"\n")
        else:
            out.write(reading_to_markdown(reading).encode())
    out.flush()
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `saju reading` with the same birth options as `saju chart`."""
    p = sub.add_parser("reading", help="규칙 기반 사주 풀이 (Markdown, --json은 섹션별)")
    add_birth_arguments(p, datetime_help='출생 일시, 예: "1990-05-15 14:30"')
    p.add_argument("--json", action="store_true", help="섹션별 JSON")
    p.add_argument("--reference", metavar="DATE", help="기준일 (현재 대운·세운을 정함, 기본: 오늘 KST)")
    p.add_argument("--daily", metavar="DATE", help="그날의 운세(일진)만 출력")
    p.add_argument("--daewoon-rounding", choices=[r.value for r in DaewoonRounding], default="korean")
    p.add_argument("--age", choices=[a.value for a in AgeConvention], default="korean", help="대운 나이 기준")
    p.add_argument(
        "--voice",
        choices=[v.value for v in Voice],
        default="plain",
        help="말투: plain 담백하게, warm 다정하게",
    )
    p.set_defaults(func=_cmd_reading)


def chart_text(chart: Chart) -> str:
    """`saju chart … --with reading` on a terminal: the reading as Markdown."""
    return reading_to_markdown(build_reading(chart, analyze(chart, reference=chart_reference(chart))))
