"""JSON documents of the 만세력 month grid and of a conversion (``saju calendar --json``, the API later).

The shapes are documented in docs/calendar.md ("만세력 달력"); every instant is given in KST, in UTC and
on the civil clock of the time (``civil``: Asia/Seoul from the tz database, which differs from KST in the
UTC+8:30 eras and under daylight saving).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from saju.almanac.convert import Conversion
from saju.almanac.month import (
    HOLIDAY_FIRST_YEAR,
    HOLIDAY_SOURCE,
    SON_RULE,
    WEEKDAY_HANGUL,
    CalendarDay,
    MonthCalendar,
    PillarChange,
)
from saju.calendar import LunarDate
from saju.core import Pillar
from saju.terms import SolarTerm
from saju.tz import DEFAULT_TIMEZONE, zone

DAY_BOUNDARY: Final = "한국 표준시(KST, UTC+9) 자정"
TERMS_SOURCE: Final = "saju 절기 표 (pyerfa IAU 2006/2000A, ΔT Espenak–Meeus 2006)"
LUNAR_SOURCE: Final = (
    "한국천문연구원(KASI) 음력 (korean-lunar-calendar, 2050년까지), 2051년부터 같은 규칙의 계산"
)


def pillar_json(pillar: Pillar) -> dict[str, str]:
    return {"hanja": pillar.hanja, "hangul": pillar.hangul}


def lunar_json(lunar: LunarDate) -> dict[str, object]:
    return {"year": lunar.year, "month": lunar.month, "day": lunar.day, "leap": lunar.leap}


def _iso(instant: dt.datetime) -> str:
    return instant.isoformat(timespec="seconds")


def _utc(instant: dt.datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def term_json(term: SolarTerm) -> dict[str, object]:
    return {
        "name": term.name_hangul,
        "hanja": term.name_hanja,
        "kind": "절" if term.is_jie else "중기",
        "longitude": term.longitude,
        "kst": _iso(term.instant_kst),
        "utc": _utc(term.instant),
        "civil": _iso(term.instant.astimezone(zone(DEFAULT_TIMEZONE))),
    }


def _change_json(change: PillarChange | None) -> dict[str, object] | None:
    if change is None:
        return None
    return {
        "term": change.term.name_hangul,
        "kst": _iso(change.term.instant_kst),
        "utc": _utc(change.term.instant),
        "before": pillar_json(change.before),
        "after": pillar_json(change.after),
    }


def day_json(day: CalendarDay) -> dict[str, object]:
    return {
        "date": day.solar.isoformat(),
        "weekday": day.solar.isoweekday(),
        "weekday_hangul": WEEKDAY_HANGUL[day.solar.weekday()],
        "lunar": lunar_json(day.lunar),
        "day_pillar": pillar_json(day.day_pillar),
        "terms": [term_json(t) for t in day.terms],
        "saju_year": day.saju_year,
        "year_pillar": pillar_json(day.year_pillar),
        "month_pillar": pillar_json(day.month_pillar),
        "month_change": _change_json(day.month_change),
        "year_change": _change_json(day.year_change),
        "son_eomneun": day.son_eomneun,
        "son_direction": day.son_direction,
        "holidays": list(day.holidays),
    }


def _month_label(value: tuple[int, int] | None) -> str | None:
    return None if value is None else f"{value[0]:04d}-{value[1]:02d}"


def month_calendar_json(calendar: MonthCalendar) -> dict[str, object]:
    """The document of ``saju calendar YYYY-MM --json`` (docs/calendar.md)."""
    return {
        "year": calendar.year,
        "month": calendar.month,
        "previous": _month_label(calendar.previous),
        "next": _month_label(calendar.next),
        "terms": [term_json(t) for t in calendar.terms],
        "days": [day_json(d) for d in calendar.days],
        "sources": {
            "day_boundary": DAY_BOUNDARY,
            "terms": TERMS_SOURCE,
            "lunar": LUNAR_SOURCE,
            "holidays": HOLIDAY_SOURCE if calendar.holidays_covered else None,
            "holidays_from": HOLIDAY_FIRST_YEAR,
            "son_rule": SON_RULE,
        },
    }


def conversion_json(conversion: Conversion) -> dict[str, object]:
    """The document of ``saju convert ... --json``."""
    return {
        "solar": conversion.solar.isoformat(),
        "weekday": conversion.solar.isoweekday(),
        "weekday_hangul": WEEKDAY_HANGUL[conversion.solar.weekday()],
        "lunar": lunar_json(conversion.lunar),
        "day_pillar": pillar_json(conversion.day_pillar),
        "month_days": conversion.month_days,
        "leap_month": conversion.leap_month,
        "twin": None if conversion.twin is None else conversion.twin.isoformat(),
    }
