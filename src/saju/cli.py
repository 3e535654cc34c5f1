"""The ``saju`` command: ``chart`` (table, ``--json``, ``--batch``), ``terms YEAR``, ``day DATE``, and the
subcommands of the engine's parts (``reading``), registered by plain imports in :func:`build_parser`.

``--with NAME`` adds ``document[NAME]`` to the chart JSON document (:func:`chart_document`) from
``EXTENSIONS[NAME](chart)``; a terminal view renders ``TEXT_VIEWS[NAME](chart)`` instead.

Bad input prints one line (``오류 [CODE]: message``) on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Final, cast

import orjson

from saju.almanac.cli import register as register_almanac
from saju.analysis import cli as analysis_cli
from saju.birth import BirthInput, DayChange, TimeBasis
from saju.calendar import day_pillar, lunar_available, solar_to_lunar
from saju.chart import Chart, chart_from_birth, chart_to_json
from saju.cliargs import CliError, Parser, add_birth_arguments, birth_from_args
from saju.compat import cli as compat_cli
from saju.errors import INVALID_DATE, INVALID_INPUT, INVALID_OPTION, InvalidBirth, SajuError
from saju.reading import cli as reading_cli
from saju.terms import KST, terms_of_year
from saju.yearly.cli import register as register_year

EXIT_OK: Final = 0
EXIT_USAGE: Final = 2
EXTENSIONS: Final[dict[str, Callable[[Chart], object]]] = {
    "analysis": analysis_cli.chart_extension,
    "reading": reading_cli.chart_extension,
}
TEXT_VIEWS: Final[dict[str, Callable[[Chart], str]]] = {
    "analysis": analysis_cli.chart_text,
    "reading": reading_cli.chart_text,
}
TIME_BASIS_LABEL: Final[dict[TimeBasis, str]] = {
    TimeBasis.CIVIL: "시계 시각 그대로(서머타임 포함)",
    TimeBasis.STANDARD: "표준시(서머타임 제거)",
    TimeBasis.LMT: "지방평균시(경도 보정)",
    TimeBasis.TST: "진태양시(경도 보정 + 균시차)",
    TimeBasis.TABLE: "반시 표(동경 127.5° 기준)",
}
DAY_CHANGE_LABEL: Final[dict[DayChange, str]] = {
    DayChange.MIDNIGHT: "자정에 날 바뀜",
    DayChange.YAJASI: "야자시(23시대는 당일 일주, 자시 천간은 다음 날)",
    DayChange.H23: "조자시(23시에 날 바뀜)",
}


def _extension(name: str) -> Callable[[Chart], object]:
    hook = EXTENSIONS.get(name)
    if hook is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise InvalidBirth(INVALID_OPTION, f"--with {name}: 사용할 수 없는 확장입니다 (가능: {known}).")
    return hook


def chart_document(chart: Chart, extensions: Sequence[str] = ()) -> dict[str, object]:
    """The JSON document printed by ``saju chart --json`` and each ``--batch`` line."""
    document = chart_to_json(chart)
    for name in extensions:
        document[name] = _extension(name)(chart)
    return document


def _dumps(document: object) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)


def _write_line(out: IO[bytes], document: object) -> None:
    out.write(_dumps(document) + b"\n")


def _offset_label(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes, rest = divmod(abs(seconds), 60)
    text = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{rest:02d}" if rest else text


def chart_table(chart: Chart) -> str:
    """A plain-text Korean table of the chart (시 일 월 년, left to right as in Korean 만세력)."""
    columns = (("시주", chart.hour), ("일주", chart.day), ("월주", chart.month), ("년주", chart.year))
    header = "      " + "".join(f"{label:<8}" for label, _ in columns)
    stems = "천간  " + "".join(
        f"{p.stem.hanja}({p.stem.hangul})    " if p else "-         " for _, p in columns
    )
    branches = "지지  " + "".join(
        f"{p.branch.hanja}({p.branch.hangul})    " if p else "-         " for _, p in columns
    )
    birth = chart.birth
    conv = chart.conventions
    lines = ["사주팔자 (四柱八字)", header.rstrip(), stems.rstrip(), branches.rstrip(), ""]
    when = chart.solar_date.isoformat()
    if not birth.time_unknown:
        when += birth.local.strftime(" %H:%M:%S")
    dst = ", 서머타임" if conv.dst else ""
    lines.append(f"양력      {when} ({conv.timezone}, {_offset_label(conv.utc_offset_seconds)}{dst})")
    if chart.lunar is not None:
        lines.append(f"음력      {chart.lunar}")
    if chart.instant_utc is not None:
        lines.append(f"UTC       {chart.instant_utc:%Y-%m-%d %H:%M:%S}")
    if chart.local_for_day_hour is not None:
        lines.append(
            f"일·시 기준 {chart.local_for_day_hour:%Y-%m-%d %H:%M:%S} ({conv.correction_minutes:+.1f}분)"
        )
    basis = TIME_BASIS_LABEL[conv.time_basis]
    if conv.longitude is not None:
        basis += f", 동경 {conv.longitude:.3f}°"
    if conv.meridian is not None:
        basis += f", 기준 자오선 {conv.meridian:g}°"
    if not birth.time_unknown:
        lines.append(f"시간 기준  {basis}")
        lines.append(f"자시 규칙  {DAY_CHANGE_LABEL[conv.day_change]}")
    lines.append(
        f"절기      {chart.previous_jie.name_hangul} {chart.previous_jie.instant.astimezone(KST):%Y-%m-%d %H:%M} KST"
        f" → {chart.next_jie.name_hangul} {chart.next_jie.instant.astimezone(KST):%Y-%m-%d %H:%M} KST"
    )
    if birth.time_unknown:
        lines.append("시간 모름: 시주 없음 (일주는 양력 날짜, 연·월주는 그날 정오 기준)")
    if chart.month_uncertain:
        lines.append("주의: 출생일에 절기가 바뀌어 시간에 따라 월주(입춘이면 연주도)가 달라집니다.")
    return "\n".join(lines)


def _batch_lines(lines: Iterable[bytes], out: IO[bytes], extensions: Sequence[str]) -> None:
    for raw in lines:
        try:
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise InvalidBirth(INVALID_INPUT, "JSON 객체 한 줄이 아닙니다.") from None
            if not isinstance(data, dict):
                raise InvalidBirth(INVALID_INPUT, "JSON 객체 한 줄이 아닙니다.")
            document: object = chart_document(chart_from_birth(BirthInput.from_mapping(data)), extensions)
        except SajuError as exc:
            document = exc.to_json()
        _write_line(out, document)


def _cmd_chart(args: argparse.Namespace) -> int:
    extensions = [name.strip() for name in (args.with_ or "").split(",") if name.strip()]
    for name in extensions:
        _extension(name)
    out = sys.stdout.buffer
    if args.batch is not None:
        if args.datetime is not None:
            raise CliError("오류 [USAGE]: --batch와 날짜를 함께 줄 수 없습니다.")
        if args.batch == "-":
            _batch_lines((line for line in sys.stdin.buffer), out, extensions)
        else:
            try:
                with open(args.batch, "rb") as handle:
                    _batch_lines(handle, out, extensions)
            except OSError as exc:
                raise CliError(f"오류 [IO]: 파일을 읽을 수 없습니다: {args.batch} ({exc.strerror})") from None
        out.flush()
        return EXIT_OK
    if args.datetime is None:
        raise CliError('오류 [USAGE]: 출생 일시(예: "1990-05-15 14:30") 또는 --batch FILE이 필요합니다.')
    chart = chart_from_birth(birth_from_args(args))
    if args.json:
        _write_line(out, chart_document(chart, extensions))
    else:
        # The terminal view shows the analysis tables by default; JSON carries it with --with analysis.
        text = chart_table(chart)
        for name in extensions or ["analysis"]:
            text += "\n\n" + TEXT_VIEWS[name](chart)
        out.write(text.encode() + b"\n")
    out.flush()
    return EXIT_OK


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidBirth(
            INVALID_DATE, f"날짜 형식이 올바르지 않습니다: {text!r} (예: 2026-11-23)"
        ) from None


def _cmd_terms(args: argparse.Namespace) -> int:
    terms = terms_of_year(args.year)
    if args.json:
        _write_line(
            sys.stdout.buffer,
            [
                {
                    "index": t.index,
                    "name": t.name_hangul,
                    "hanja": t.name_hanja,
                    "longitude": t.longitude,
                    "is_jie": t.is_jie,
                    "instant_utc": t.instant.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "kst": t.instant_kst.strftime("%Y-%m-%dT%H:%M:%S+09:00"),
                }
                for t in terms
            ],
        )
    else:
        lines = [
            f"{t.name_hangul} {t.name_hanja} {t.longitude:>3}°  {t.instant_kst:%Y-%m-%d %H:%M:%S} KST"
            + ("  (절)" if t.is_jie else "")
            for t in terms
        ]
        print("\n".join(lines))
    return EXIT_OK


def _cmd_day(args: argparse.Namespace) -> int:
    day = _parse_date(args.date)
    pillar = day_pillar(day)
    lunar = solar_to_lunar(day) if lunar_available(day) else None
    if args.json:
        _write_line(
            sys.stdout.buffer,
            {
                "date": day.isoformat(),
                "pillar": pillar.hanja,
                "pillar_hangul": pillar.hangul,
                "lunar": None
                if lunar is None
                else {"year": lunar.year, "month": lunar.month, "day": lunar.day, "leap": lunar.leap},
            },
        )
    else:
        suffix = f"  ({lunar})" if lunar is not None else ""
        print(f"{day.isoformat()} {pillar.hanja}({pillar.hangul})일{suffix}")
    return EXIT_OK


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction[Parser]]:
    parser = Parser(prog="saju", description="정확한 만세력: 사주팔자, 절기, 일진")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    chart = sub.add_parser("chart", help="사주팔자 (표, --json, --batch)")
    add_birth_arguments(chart, datetime_help='출생 일시, 예: "1990-05-15 14:30" (시간 모르면 날짜만)')
    chart.add_argument("--json", action="store_true", help="JSON 문서로 출력")
    chart.add_argument("--batch", metavar="FILE", help="JSON lines 입력 (FILE 또는 -)")
    chart.add_argument("--with", dest="with_", metavar="NAMES", help="추가 결과, 예: analysis,reading")
    chart.set_defaults(func=_cmd_chart)

    terms = sub.add_parser("terms", help="한 해의 24절기 (KST, 초 단위)")
    terms.add_argument("year", type=int)
    terms.add_argument("--json", action="store_true")
    terms.set_defaults(func=_cmd_terms)

    day = sub.add_parser("day", help="그날의 일진")
    day.add_argument("date")
    day.add_argument("--json", action="store_true")
    day.set_defaults(func=_cmd_day)

    register_almanac(sub)  # saju calendar, saju convert
    reading_cli.register(sub)
    register_year(sub)
    compat_cli.register(sub)  # saju gunghap
    return parser, sub


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser, _ = build_parser()
        # argparse (3.11) cannot take a second optional positional after options ("DATE --gender f 2027"):
        # a subcommand names the attribute such a trailing word fills (``trailing_positional``).
        args, extra = parser.parse_known_args(argv)
        if extra:
            fill = getattr(args, "trailing_positional", None)
            if fill is None or getattr(args, fill) is not None or len(extra) != 1:
                parser.error(f"unrecognized arguments: {' '.join(extra)}")
            setattr(args, fill, extra[0])
        handler = cast(Callable[[argparse.Namespace], int], args.func)
        return handler(args)
    except SajuError as exc:
        print(f"오류 [{exc.code}]: {exc.message}", file=sys.stderr)
    except CliError as exc:
        print(str(exc), file=sys.stderr)
    except KeyboardInterrupt:
        print("중단됨", file=sys.stderr)
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
