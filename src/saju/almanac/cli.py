"""``saju calendar [YYYY-MM] [--json]`` (the 만세력 month grid) and ``saju convert`` (lunar ↔ solar).

Registered by ``saju.cli`` with :func:`register`; errors are engine errors (SajuError), which the main
command prints as one Korean line with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from typing import Any, Final

import orjson

from saju.almanac.convert import Conversion, convert_lunar, convert_solar
from saju.almanac.document import conversion_json, month_calendar_json
from saju.almanac.month import HOLIDAY_FIRST_YEAR, WEEKDAY_HANGUL, CalendarDay, MonthCalendar, month_calendar
from saju.calendar import LunarDate
from saju.core import Pillar
from saju.errors import INVALID_DATE, INVALID_OPTION, SajuError
from saju.terms import KST, SolarTerm
from saju.tz import DEFAULT_TIMEZONE, zone

EXIT_OK: Final = 0
CELL: Final = 10  # terminal columns per day (Hangul and hanja take two)
SUNDAY_FIRST: Final = (6, 0, 1, 2, 3, 4, 5)  # date.weekday() in the order of a Korean wall calendar
_YEAR_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")
_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


def today_kst() -> dt.date:
    return dt.datetime.now(KST).date()


def parse_year_month(text: str) -> tuple[int, int]:
    match = _YEAR_MONTH.fullmatch(text)
    if match is None:
        raise SajuError(INVALID_DATE, f"연월 형식이 올바르지 않습니다: {text!r} (예: 2026-12)")
    return int(match[1]), int(match[2])


def _parse_parts(text: str, example: str) -> tuple[int, int, int]:
    match = _DATE.fullmatch(text)
    if match is None:
        raise SajuError(INVALID_DATE, f"날짜 형식이 올바르지 않습니다: {text!r} (예: {example})")
    return int(match[1]), int(match[2]), int(match[3])


def parse_solar(text: str) -> dt.date:
    year, month, day = _parse_parts(text, "2025-07-25")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise SajuError(INVALID_DATE, f"양력 달력에 없는 날짜입니다: {text.strip()}") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int = CELL) -> str:
    return text + " " * max(0, width - _width(text))


def _pillar(pillar: Pillar) -> str:
    return f"{pillar.hanja}({pillar.hangul})"


def _lunar_short(lunar: LunarDate) -> str:
    return f"{'윤' if lunar.leap else ''}{lunar.month}.{lunar.day}"


def _lunar_text(lunar: LunarDate) -> str:
    return f"{'윤' if lunar.leap else ''}{lunar.month}월 {lunar.day}일"


def _day_label(day: dt.date) -> str:
    return f"{day.month}월 {day.day}일({WEEKDAY_HANGUL[day.weekday()]})"


def _clock(term: SolarTerm) -> str:
    """KST time of a term, plus the civil clock of the time when it differed (UTC+8:30 eras, DST)."""
    text = f"{term.instant_kst:%H:%M:%S}"
    civil = term.instant.astimezone(zone(DEFAULT_TIMEZONE))
    offset = civil.utcoffset()
    if offset is not None and offset != dt.timedelta(hours=9):
        minutes = int(offset.total_seconds()) // 60
        text += f" (당시 시계 {civil:%m-%d %H:%M}, UTC+{minutes // 60}:{minutes % 60:02d})"
    return text


def _cells(day: CalendarDay, today: dt.date) -> tuple[str, str, str, str]:
    number = f"[{day.solar.day}]" if day.solar == today else str(day.solar.day)
    if day.is_holiday:
        number += "*"
    pillar = day.day_pillar.hanja + (" ○" if day.son_eomneun else "")
    term = day.terms[0].name_hangul if day.terms else ""
    return number, _lunar_short(day.lunar), pillar, term


def _grid(calendar: MonthCalendar, today: dt.date) -> list[str]:
    lines = ["".join(_pad(WEEKDAY_HANGUL[w]) for w in SUNDAY_FIRST).rstrip()]
    blank = ("", "", "", "")
    week: list[tuple[str, str, str, str]] = [blank] * SUNDAY_FIRST.index(calendar.days[0].solar.weekday())
    rows: list[list[tuple[str, str, str, str]]] = []
    for day in calendar.days:
        week.append(_cells(day, today))
        if len(week) == len(SUNDAY_FIRST):
            rows.append(week)
            week = []
    if week:
        rows.append(week)
    for row in rows:
        for part in range(4):
            line = "".join(_pad(cell[part]) for cell in row).rstrip()
            if line:
                lines.append(line)
        lines.append("")
    return lines


def _header(calendar: MonthCalendar) -> list[str]:
    first, last = calendar.days[0], calendar.days[-1]
    lines = [
        f"{calendar.year}년 {calendar.month}월 만세력 "
        f"(음력 {first.lunar.year}년 {_lunar_text(first.lunar)} – {last.lunar.year}년 {_lunar_text(last.lunar)})"
    ]
    year = f"연주 {_pillar(first.year_pillar)}"
    month = f"월주 {_pillar(first.month_pillar)}"
    for day in calendar.days:
        if day.year_change is not None:
            year += f" → {_pillar(day.year_change.after)}"
        if day.month_change is not None:
            term = day.month_change.term
            month += (
                f" → {_pillar(day.month_change.after)}, "
                f"{_day_label(day.solar)} {term.instant_kst:%H:%M} {term.name_hangul}부터"
            )
    lines.append(f"{year} · {month}")
    return lines


def _details(calendar: MonthCalendar) -> list[str]:
    lines = ["절기 (시각은 한국 표준시)"]
    for day in calendar.days:
        for term in day.terms:
            line = f"  {_day_label(day.solar)} {_clock(term)} {term.name_hangul}({term.name_hanja})"
            if term.is_jie and day.month_change is not None:
                line += f" · 월주 {day.month_change.before.hanja} → {day.month_change.after.hanja}"
            if day.year_change is not None and term.is_jie:
                line += f" · 연주 {day.year_change.before.hanja} → {day.year_change.after.hanja}"
            lines.append(line)
    lines.append("공휴일")
    if not calendar.holidays_covered:
        lines.append(f"  공휴일 자료는 {HOLIDAY_FIRST_YEAR}년부터 있습니다.")
    holidays = [day for day in calendar.days if day.is_holiday]
    lines.extend(f"  {_day_label(day.solar)} {', '.join(day.holidays)}" for day in holidays)
    if calendar.holidays_covered and not holidays:
        lines.append("  없음")
    son = [str(day.solar.day) for day in calendar.days if day.son_eomneun]
    lines.append(f"손 없는 날(음력 9·0으로 끝나는 날): {'·'.join(son)}일")
    lines.append("[ ] 오늘   * 공휴일   ○ 손 없는 날   날짜 아래: 음력 월.일(윤 = 윤달), 일진, 절기")
    return lines


def month_calendar_text(calendar: MonthCalendar, today: dt.date) -> str:
    """The month grid for a terminal (Sunday first, as Korean wall calendars)."""
    return "\n".join(_header(calendar) + [""] + _grid(calendar, today) + _details(calendar))


def conversion_text(conversion: Conversion, from_lunar: bool) -> str:
    lunar, solar = conversion.lunar, conversion.solar
    lunar_label = f"음력 {lunar.year}년 {_lunar_text(lunar)}"
    solar_label = f"양력 {solar.year}년 {solar.month}월 {solar.day}일 {WEEKDAY_HANGUL[solar.weekday()]}요일"
    first, second = (lunar_label, solar_label) if from_lunar else (solar_label, lunar_label)
    lines = [f"{first} = {second}", f"일진 {_pillar(conversion.day_pillar)}"]
    month_name = f"{'윤' if lunar.leap else ''}{lunar.month}월"
    lines.append(f"음력 {lunar.year}년 {month_name}: {conversion.month_days}일까지 있는 달")
    if conversion.leap_month is None:
        lines.append(f"음력 {lunar.year}년에는 윤달이 없습니다.")
    else:
        lines.append(f"음력 {lunar.year}년의 윤달: 윤{conversion.leap_month}월")
    if conversion.leap_month == lunar.month:
        other = f"{'' if lunar.leap else '윤'}{lunar.month}월 {lunar.day}일"
        if conversion.twin is None:
            lines.append(f"같은 해 {other}: 그달에는 없는 날짜입니다.")
        else:
            twin = conversion.twin
            lines.append(f"같은 해 {other}: 양력 {twin.year}년 {twin.month}월 {twin.day}일")
    return "\n".join(lines)


def _write_json(document: object) -> None:
    sys.stdout.buffer.write(orjson.dumps(document) + b"\n")
    sys.stdout.buffer.flush()


def _cmd_calendar(args: argparse.Namespace) -> int:
    today = today_kst()
    year, month = parse_year_month(args.month) if args.month is not None else (today.year, today.month)
    calendar = month_calendar(year, month)
    if args.json:
        _write_json(month_calendar_json(calendar))
    else:
        print(month_calendar_text(calendar, today))
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    if (args.lunar is None) == (args.solar is None):
        raise SajuError(
            INVALID_OPTION, "--lunar 날짜와 --solar 날짜 가운데 하나만 주세요 (예: --lunar 2025-06-01)."
        )
    if args.leap and args.lunar is None:
        raise SajuError(INVALID_OPTION, "--leap(윤달)은 --lunar와 함께 쓰세요.")
    if args.lunar is not None:
        conversion = convert_lunar(*_parse_parts(args.lunar, "2025-06-01"), leap=args.leap)
    else:
        conversion = convert_solar(parse_solar(args.solar))
    if args.json:
        _write_json(conversion_json(conversion))
    else:
        print(conversion_text(conversion, from_lunar=args.lunar is not None))
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``saju calendar`` and ``saju convert`` to the ``saju`` command's subparsers."""
    cal = sub.add_parser("calendar", help="만세력 달력: 음력, 일진, 절기, 월주·연주, 손 없는 날, 공휴일")
    cal.add_argument("month", nargs="?", help="연월, 예: 2026-12 (기본: 이번 달, KST)")
    cal.add_argument("--json", action="store_true", help="달력 전체를 JSON으로 출력")
    cal.set_defaults(func=_cmd_calendar)

    conv = sub.add_parser("convert", help="음력 ↔ 양력 변환 (한국천문연구원 음력)")
    conv.add_argument("--lunar", metavar="YYYY-MM-DD", help="음력 날짜를 양력으로")
    conv.add_argument("--leap", action="store_true", help="윤달 (--lunar와 함께)")
    conv.add_argument("--solar", metavar="YYYY-MM-DD", help="양력 날짜를 음력으로")
    conv.add_argument("--json", action="store_true", help="JSON으로 출력")
    conv.set_defaults(func=_cmd_convert)
