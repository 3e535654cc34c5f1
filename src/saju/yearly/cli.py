"""``saju year "1990-05-15 14:30" --gender female 2027 [--json]``: the 신년운세 of one saju year.

Registered by ``saju.cli``; engine errors print one Korean line and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from saju.chart import chart_from_birth
from saju.cliargs import CliError, Parser, add_birth_arguments, birth_from_args
from saju.yearly.document import year_fortune_json, year_markdown, year_reading_json
from saju.yearly.facts import year_fortune
from saju.yearly.reading import year_reading

EXIT_OK = 0


def _cmd_year(args: argparse.Namespace) -> int:
    if args.datetime is None:
        raise CliError('오류 [USAGE]: 출생 일시(예: "1990-05-15 14:30")가 필요합니다.')
    year = str(args.year or "").strip()
    if not year.isdigit():
        raise CliError("오류 [USAGE]: 볼 연도(예: 2027)가 필요합니다.")
    chart = chart_from_birth(birth_from_args(args))
    fortune = year_fortune(chart, int(year))
    reading = year_reading(fortune)
    out = sys.stdout.buffer
    if args.json:
        document = {"fortune": year_fortune_json(fortune), "reading": year_reading_json(reading)}
        out.write(orjson.dumps(document) + b"\n")
    else:
        out.write(year_markdown(fortune, reading).encode())
    out.flush()
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("year", help="신년운세: 한 해(입춘~입춘)의 세운과 열두 달")
    add_birth_arguments(p, datetime_help='출생 일시, 예: "1990-05-15 14:30"')
    p.add_argument("year", nargs="?", help="사주 연도 (입춘부터), 예: 2027")
    p.add_argument("--json", action="store_true", help="사실·점수·풀이를 JSON으로")
    p.set_defaults(func=_cmd_year, trailing_positional="year")
