"""신년운세 page (`/year/`): a year of one chart, month by month, with the life timeline.

Birth data never travels in a URL: the page is reached by POST — from its own birth form, from the chart
page or a year switch (the normalized birth object in a hidden field), or from a saved profile (its id,
for its owner only). A GET shows the form (and, logged in, one button per saved profile).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from saju.analysis import analyze, saju_year_on
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth, chart_to_json
from saju.errors import SajuError
from saju.terms import LAST_YEAR
from saju.yearly import YearFortune, year_fortune
from saju.yearly.facts import SCORE_RULE
from saju.yearly.reading import YearReading, kst_span, year_reading
from saju.yearly.timeline import DEFAULT_SPAN
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_get, profile_list
from unse.ai.providers import configured_providers
from unse.core.birth_form import DAY_CHANGES, TIME_BASES, BirthForm, engine_birth_defaults
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode
from unse.web.timeline import TimelineView, timeline_view

YEARLY_API_URL_NAME = "api:yearly_reading_create"
NEXT_YEAR_FROM_MONTH = 12  # from 1 December the page offers the coming year first


def default_year(today: date) -> int:
    """The current saju year (from 입춘); from 1 December the coming one."""
    current = saju_year_on(today)
    return current + 1 if today.month >= NEXT_YEAR_FROM_MONTH else current


def year_choices(first: int, preferred: int) -> list[int]:
    """Years offered in the select: the preferred one first, then the rest from the birth year to 2100."""
    preferred = min(max(preferred, first), LAST_YEAR)
    return [preferred, *(y for y in range(first, LAST_YEAR + 1) if y != preferred)]


@dataclass(frozen=True, slots=True)
class MonthRow:
    number: int
    title: str
    span: str
    pillar: str
    stem_ten_god: str
    score: int
    grade: str
    judgement: str
    watch: str
    relations: tuple[str, ...]
    breakdown: tuple[str, ...]
    current: bool


@dataclass(frozen=True, slots=True)
class MonthBar:
    """One month in the year page's score chart (SVG units: 12 bars across 360, scores up to 100)."""

    x: float
    y: float
    height: float
    label_x: float
    branch: str
    score: int
    good: bool


MONTH_BAR_STEP = 30
MONTH_BAR_WIDTH = 22
MONTH_CHART_TOP = 8
MONTH_CHART_HEIGHT = 100  # the bars' area: one unit per score point
GOOD_SCORE = 50


def month_bars(fortune: YearFortune) -> tuple[MonthBar, ...]:
    bars = []
    for i, m in enumerate(fortune.months):
        height = float(m.score.value)
        x = i * MONTH_BAR_STEP + (MONTH_BAR_STEP - MONTH_BAR_WIDTH) / 2
        bars.append(
            MonthBar(
                x=x,
                y=MONTH_CHART_TOP + MONTH_CHART_HEIGHT - height,
                height=height,
                label_x=x + MONTH_BAR_WIDTH / 2,
                branch=m.pillar.branch.hanja,
                score=m.score.value,
                good=m.score.value >= GOOD_SCORE,
            )
        )
    return tuple(bars)


@dataclass(frozen=True, slots=True)
class YearPage:
    birth: dict[str, object]
    chart: Mapping[str, Any]
    fortune: YearFortune
    reading: YearReading
    months: tuple[MonthRow, ...]
    timeline: TimelineView
    years: list[int]
    score_rule: str
    bars: tuple[MonthBar, ...]
    span_starts: list[int]  # choices for the first year of the timeline's span


def year_page_build(
    *, birth: Mapping[str, object], year: int, today: date, span_from: int | None = None
) -> YearPage:
    """The page of saju year `year` for a birth (raises SajuError: bad birth, or a year outside the birth
    year..2100). `span_from` chooses the first year of the timeline's ten 세운 (kept within range)."""
    chart: Chart = chart_from_birth(BirthInput.from_mapping(birth))
    f = year_fortune(chart, year)
    r = year_reading(f)
    now = saju_year_on(today)
    months = tuple(
        MonthRow(
            number=m.number,
            title=mr.title,
            span=kst_span(m),
            pillar=f"{m.pillar.hanja}({m.pillar.hangul})",
            stem_ten_god=m.info.stem_ten_god.value,
            score=m.score.value,
            grade=m.score.grade,
            judgement=mr.judgement,
            watch=mr.watch,
            relations=mr.relations,
            breakdown=m.score.breakdown,
            current=m.start.date() <= today < m.end.date(),
        )
        for m, mr in zip(f.months, r.months, strict=True)
    )
    analysis = analyze(chart, reference=max(today, chart.solar_date))
    return YearPage(
        birth=dict(chart.birth.to_mapping()),
        chart=chart_to_json(chart),
        fortune=f,
        reading=r,
        months=months,
        # Ten years from now, unless the year asked for lies outside them: then ten years from it.
        timeline=timeline_view(
            chart,
            current_year=now,
            first_year=span_from or (now if now <= year < now + DEFAULT_SPAN else year),
            analysis=analysis,
        ),
        years=year_choices(chart.solar_date.year, year),
        score_rule=SCORE_RULE,
        bars=month_bars(f),
        span_starts=list(range(chart.solar_date.year, LAST_YEAR - DEFAULT_SPAN + 2)),
    )


def _form_context(form: BirthForm, **extra: Any) -> dict[str, Any]:
    today = kst_today()
    return {
        "nav": "year",
        "form": form,
        "form_method": "post",
        "form_action": reverse("web:year"),
        "submit_label": "신년운세 보기",
        "extra_fields_template": "web/_year_select.html",
        "years": year_choices(1900, default_year(today)),
        "time_bases": TIME_BASES,
        "day_changes": DAY_CHANGES,
        "default_time_basis": form.fields["time_basis"].initial,
        "default_day_change": form.fields["day_change"].initial,
        **extra,
    }


async def _profiles(request: HttpRequest) -> list[Any]:
    user = await request.auser()
    if not user.is_authenticated:
        return []
    return await sync_to_async(lambda: list(profile_list(user_id=user.pk)))()


def _span_from(request: HttpRequest) -> int | None:
    raw = str(request.POST.get("span_from", "")).strip()
    return int(raw) if raw.isdigit() else None


def _requested_year(request: HttpRequest) -> int:
    raw = str(request.POST.get("fortune_year", "")).strip()
    return int(raw) if raw.isdigit() else default_year(kst_today())


async def _posted_birth(request: HttpRequest) -> tuple[dict[str, object] | None, BirthForm | None]:
    """The birth of a POST: a saved profile (owner only), a birth object, or the birth form's fields."""
    profile_id = request.POST.get("profile")
    if profile_id:
        user = await request.auser()
        if not user.is_authenticated:
            return None, None
        profile = await sync_to_async(profile_get)(user_id=user.pk, public_id=profile_id)
        return profile_birth_mapping(profile=profile), None
    raw = request.POST.get("birth")
    if raw:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None, None
        return (data if isinstance(data, dict) else None), None
    form = BirthForm(request.POST, engine_defaults=engine_birth_defaults())
    if not form.is_valid():
        return None, form
    return form.birth_mapping(), form


RESUBMIT_FIELDS = tuple(name for name in BirthForm.base_fields if name != "name")


def _resubmit(request: HttpRequest, mode: str) -> list[tuple[str, str]]:
    """What the year switch posts back: the profile id, the birth object, or the birth form's own fields
    (as the chart page's links do) — in the page body, never in a URL."""
    if request.POST.get("profile"):
        return [("profile", str(request.POST["profile"])), ("mode", mode)]
    if request.POST.get("birth"):
        return [("birth", str(request.POST["birth"])), ("mode", mode)]
    return [(name, value) for name in RESUBMIT_FIELDS for value in request.POST.getlist(name)]


async def year(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        empty = BirthForm(engine_defaults=engine_birth_defaults())
        context = _form_context(empty, profiles=await _profiles(request))
        return TemplateResponse(request, "web/year.html", context)
    birth, form = await _posted_birth(request)
    if birth is None:
        # A form with field errors explains itself; anything else (a tampered hidden field) gets one line.
        error = None if form is not None else ErrorCode.VALIDATION_ERROR.message
        shown = form or BirthForm(engine_defaults=engine_birth_defaults())
        return TemplateResponse(request, "web/year.html", _form_context(shown, error=error), status=400)
    wanted = _requested_year(request)
    try:
        page = year_page_build(birth=birth, year=wanted, today=kst_today(), span_from=_span_from(request))
    except SajuError as exc:
        shown = form or BirthForm(engine_defaults=engine_birth_defaults())
        return TemplateResponse(request, "web/year.html", _form_context(shown, error=exc.message), status=400)
    mode = form.reading_mode() if form is not None else str(request.POST.get("mode") or "plain")
    context = {
        "nav": "year",
        "page": page,
        "resubmit": _resubmit(request, mode if mode in ("plain", "warm") else "plain"),
        # The span switch keeps the year shown; the year switch keeps nothing else (its own default span).
        "span_form": {
            "fields": [
                *_resubmit(request, mode if mode in ("plain", "warm") else "plain"),
                ("fortune_year", str(page.fortune.year)),
            ],
            "starts": page.span_starts,
        },
        "mode": mode if mode in ("plain", "warm") else "plain",
        # Without an AI provider the stream would repeat the rule-based reading already on the page.
        "reading": {
            "stream_url": f"{reverse(YEARLY_API_URL_NAME)}?stream=1",
            "request": {"birth": page.birth, "year": page.fortune.year, "mode": mode},
            "title": "AI 신년운세 풀이",
        }
        if configured_providers()
        else None,
        "error_messages": {code.name: code.message for code in ErrorCode},
    }
    return TemplateResponse(request, "web/year_result.html", context)


def chart_page_yearly(*, birth: Mapping[str, object], today: date) -> dict[str, Any]:
    """What the chart page adds for this feature: the life timeline and the 신년운세 form (POST)."""
    chart = chart_from_birth(BirthInput.from_mapping(birth))
    now = saju_year_on(today)
    return {
        "timeline": timeline_view(chart, current_year=now),
        "year_entry": {
            "years": year_choices(chart.solar_date.year, default_year(today)),
        },
    }
