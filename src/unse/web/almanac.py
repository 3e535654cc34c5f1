"""만세력 pages: the month grid (`/calendar/<y>/<m>/`), the jump to a date, the lunar ↔ solar converter.

The month itself is the same for everyone (`calendar_month_document`, also served by
`GET /api/v1/calendar/{year}/{month}` with HTTP caching); a logged-in user with a default profile gets
the personal layer on top (days that clash with their 일지 or bring their 용신, their favourite dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from saju.almanac import CalendarDay, Conversion, MonthCalendar, convert_lunar, convert_solar, month_calendar
from saju.almanac.personal import DayMark, personal_marks
from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.errors import SajuError
from unse.accounts.selectors.favourites import favourite_views
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_default_get
from unse.core.clock import kst_today

SUNDAY_FIRST_OFFSET = 1  # date.weekday(): Monday 0 … Sunday 6; a Korean wall calendar starts on Sunday
WEEKDAY_HEADS = ("일", "월", "화", "수", "목", "금", "토")
MEMO_MONTHS = 256


@dataclass(frozen=True, slots=True)
class DayCell:
    day: CalendarDay
    today: bool
    marks: tuple[DayMark, ...]
    favourites: tuple[str, ...]

    @property
    def weekday_class(self) -> str:
        weekday = self.day.solar.weekday()
        return "sun" if weekday == 6 else "sat" if weekday == 5 else ""


@dataclass(frozen=True, slots=True)
class PersonalLayer:
    marks: dict[dt.date, tuple[DayMark, ...]]
    favourites: dict[dt.date, tuple[str, ...]]
    profile_label: str | None


@lru_cache(maxsize=MEMO_MONTHS)
def _month(year: int, month: int) -> MonthCalendar:
    return month_calendar(year, month)


def _personal(user_id: int, month: MonthCalendar) -> PersonalLayer:
    days = [d.solar for d in month.days]
    favourites: dict[dt.date, list[str]] = {}
    for view in favourite_views(user_id=user_id):
        if view.favourite.day.year == month.year and view.favourite.day.month == month.month:
            favourites.setdefault(view.favourite.day, []).append(view.favourite.label)
    profile = profile_default_get(user_id=user_id)
    marks: dict[dt.date, tuple[DayMark, ...]] = {}
    label = None
    if profile is not None:
        chart = chart_from_birth(BirthInput.from_mapping(profile_birth_mapping(profile=profile)))
        marks = personal_marks(analyze(chart, reference=max(days[0], chart.solar_date)), days)
        label = profile.label
    return PersonalLayer(marks, {k: tuple(v) for k, v in favourites.items()}, label)


def _error(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return TemplateResponse(
        request,
        "web/calendar.html",
        {"nav": "calendar", "error": message, "today": kst_today()},
        status=status,
    )


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


async def calendar_today(request: HttpRequest) -> HttpResponse:
    """This month (KST), or the month of `?date=YYYY-MM-DD` (jump to a date) with that day in view."""
    raw = request.GET.get("date")
    if raw is None:
        today = kst_today()
        return redirect("web:calendar", year=today.year, month=today.month)
    day = _parse_date(raw)
    if day is None:
        return _error(request, f"날짜를 2026-12-25처럼 입력해 주세요 (입력: {raw[:20]}).")
    url = reverse("web:calendar", kwargs={"year": day.year, "month": day.month})
    return redirect(f"{url}#d-{day.isoformat()}")


async def calendar_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    try:
        cal = _month(year, month)
    except SajuError as exc:
        return _error(request, exc.message, status=404)
    today = kst_today()
    user = await request.auser()
    personal = await sync_to_async(_personal)(user.pk, cal) if user.is_authenticated else None
    blanks = (cal.days[0].solar.weekday() + SUNDAY_FIRST_OFFSET) % 7
    cells = [
        DayCell(
            day=d,
            today=d.solar == today,
            marks=personal.marks.get(d.solar, ()) if personal else (),
            favourites=personal.favourites.get(d.solar, ()) if personal else (),
        )
        for d in cal.days
    ]
    context = {
        "nav": "calendar",
        "cal": cal,
        "cells": cells,
        "blanks": range(blanks),
        "heads": WEEKDAY_HEADS,
        "today": today,
        "personal": personal,
        "previous_url": _month_url(cal.previous),
        "next_url": _month_url(cal.next),
        "today_url": reverse("web:calendar", kwargs={"year": today.year, "month": today.month}),
    }
    return TemplateResponse(request, "web/calendar.html", context)


def _month_url(value: tuple[int, int] | None) -> str | None:
    if value is None:
        return None
    return reverse("web:calendar", kwargs={"year": value[0], "month": value[1]})


def _int(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() else None


def _convert_posted(request: HttpRequest) -> tuple[Conversion | None, str | None]:
    direction = request.POST.get("direction", "solar")
    year, month, day = (_int(request.POST.get(k)) for k in ("year", "month", "day"))
    if year is None or month is None or day is None:
        return None, "년·월·일을 숫자로 모두 입력해 주세요."
    try:
        if direction == "lunar":
            return convert_lunar(year, month, day, request.POST.get("leap") == "on"), None
        try:
            solar = dt.date(year, month, day)
        except ValueError:
            return None, f"양력 달력에 없는 날짜입니다: {year}년 {month}월 {day}일."
        return convert_solar(solar), None
    except SajuError as exc:
        return None, exc.message


async def convert(request: HttpRequest) -> HttpResponse:
    """음력 ↔ 양력 변환 (POST, so a birthday typed here never lands in a URL or a log)."""
    context: dict[str, object] = {
        "nav": "calendar",
        "posted": request.POST if request.method == "POST" else {},
    }
    status = 200
    if request.method == "POST":
        result, error = _convert_posted(request)
        context.update(result=result, error=error)
        status = 400 if error else 200
    return TemplateResponse(request, "web/calendar_convert.html", context, status=status)
