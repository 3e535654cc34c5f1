"""Reads for the pages: the chart and analysis of a birth, shaped for the templates.

The templates consume the engine's stable JSON documents (`chart_to_json`, `analysis_to_json`), the same
ones the API returns, so the page and the API never disagree about a chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from saju.analysis import analysis_to_json, analyze, iljin, luck_to_json
from saju.birth import BirthInput
from saju.chart import chart_from_birth, chart_to_json
from saju.reading import Voice, build_reading
from saju.reading.glossary import glossary
from unse.core.birth_form import place_label

ELEMENT_ORDER: tuple[str, ...] = ("木", "火", "土", "金", "水")
ELEMENT_HANGUL: dict[str, str] = {"木": "목", "火": "화", "土": "토", "金": "금", "水": "수"}
# Columns read right to left in Korean 명식: 시주 일주 월주 년주.
DISPLAY_ORDER: tuple[str, ...] = ("hour", "day", "month", "year")
POSITION_TITLES: dict[str, str] = {"hour": "시주", "day": "일주", "month": "월주", "year": "년주"}
# SVG geometry of the element-balance chart (viewBox units).
BAR_LABEL_WIDTH = 64
BAR_TRACK_WIDTH = 220
BAR_HEIGHT = 22
BAR_GAP = 10
BAR_VALUE_GAP = 8


@dataclass(frozen=True, slots=True)
class PillarColumn:
    key: str
    title: str
    known: bool
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ElementBar:
    element: str
    hangul: str
    count: int
    share: float
    y: int
    width: float
    text_y: int
    value_x: float


@dataclass(frozen=True, slots=True)
class ChartPage:
    birth: dict[str, object]
    chart: dict[str, Any]
    analysis: dict[str, Any]
    columns: tuple[PillarColumn, ...]
    bars: tuple[ElementBar, ...]
    chart_height: int
    daewoon: Mapping[str, Any]
    sewoon: tuple[Mapping[str, Any], ...]
    element_note: str
    glance: tuple[str, ...] = ()  # 한눈에 보기: the engine's plain sentences, shown first
    corrections: tuple[str, ...] = ()  # what the engine corrected and converted, in plain Korean
    place: str = ""  # the birthplace as a person says it (서울), never the zone id
    glossary: Mapping[str, str] = field(default_factory=dict)  # terms the page may mark for a tap


def _bars(analysis: Mapping[str, Any]) -> tuple[ElementBar, ...]:
    counts = analysis["elements"]["counts"]
    shares = analysis["elements"]["shares"]
    bars = []
    for i, element in enumerate(ELEMENT_ORDER):
        share = float(shares.get(element, 0.0))
        width = round(BAR_TRACK_WIDTH * share / 100.0, 1)
        y = i * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            ElementBar(
                element=element,
                hangul=ELEMENT_HANGUL[element],
                count=int(counts.get(element, 0)),
                share=round(share, 1),
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT // 2 + 5,
                value_x=BAR_LABEL_WIDTH + width + BAR_VALUE_GAP,
            )
        )
    return tuple(bars)


def _element_note(analysis: Mapping[str, Any]) -> str:
    """One judgement per element: an absent element is said once (as absent), never also as weak."""
    elements = analysis["elements"]

    def names(keys: list[str]) -> str:
        return ", ".join(f"{ELEMENT_HANGUL[k]}({k})" for k in keys)

    absent = list(elements["absent"])
    weak = [k for k in elements["weak"] if k not in absent]
    parts = []
    if elements["excess"]:
        parts.append(f"많은 기운: {names(elements['excess'])}")
    if weak:
        parts.append(f"약한 기운: {names(weak)}")
    if absent:
        parts.append(f"글자로 드러나지 않은 기운: {names(absent)}")
    return " · ".join(parts) or "다섯 기운이 고르게 퍼져 있습니다."


BASIS_CORRECTION: dict[str, str] = {
    "lmt": "경도 보정",
    "tst": "경도·균시차 보정",
    "table": "반시 시간표",
    "standard": "표준시 보정",
}


def _minutes(value: float) -> str:
    rounded = round(value)
    return f"{'+' if rounded > 0 else '−'}{abs(rounded)}분"


def corrections_of(chart: Mapping[str, Any]) -> tuple[str, ...]:
    """What the engine corrected and converted, for the person to check: the clock correction
    ("서머타임 −60분, 경도 보정 −32분 → 07:28 기준"), and the other calendar's date of the birth."""
    lines: list[str] = []
    birth = chart["input"]
    conventions = chart["conventions"]
    if not birth.get("time_unknown"):
        # The wall clock of the (solar) birth day: a lunar input's own date may not exist in the solar calendar.
        stamp = datetime.fromisoformat(f"{chart['solar_date']}T{str(birth['datetime'])[11:19]}")
        parts: list[str] = []
        total = float(conventions.get("correction_minutes") or 0.0)
        dst_minutes = 0.0
        if conventions.get("dst"):
            local = stamp.replace(tzinfo=ZoneInfo(str(conventions["timezone"])), fold=birth.get("fold") or 0)
            dst = local.dst()
            dst_minutes = -dst.total_seconds() / 60 if dst else 0.0
            if dst_minutes:
                parts.append(f"서머타임 {_minutes(dst_minutes)}")
        rest = total - dst_minutes
        if round(rest):
            parts.append(
                f"{BASIS_CORRECTION.get(str(conventions.get('time_basis')), '시각 보정')} {_minutes(rest)}"
            )
        used = str(chart.get("local_for_day_hour") or "")[11:16]
        if parts and used:
            lines.append(f"시각 보정: {', '.join(parts)} → {used} 기준으로 시주를 세웠습니다.")
        elif used:
            lines.append(f"시각 보정 없이 {used} 기준으로 시주를 세웠습니다.")
    lunar = chart.get("lunar") or {}
    solar = str(chart.get("solar_date") or "")
    if birth.get("calendar") == "lunar" and solar:
        y, m, d = solar.split("-")
        lines.append(f"양력으로는 {int(y)}년 {int(m)}월 {int(d)}일입니다.")
    elif lunar:
        leap = "윤" if lunar.get("leap") else ""
        lines.append(f"음력으로는 {lunar['year']}년 {leap}{lunar['month']}월 {lunar['day']}일입니다.")
    return tuple(lines)


def chart_page_build(*, birth: Mapping[str, object], reference: date) -> ChartPage:
    """Compute the chart of a birth mapping; raises `saju.errors.SajuError` (InvalidBirth) on bad input."""
    birth_input = BirthInput.from_mapping(birth)
    chart = chart_from_birth(birth_input)
    analysis = analyze(chart, reference=reference)
    analysis_doc: dict[str, Any] = analysis_to_json(analysis)
    chart_doc = chart_to_json(chart)
    pillars: dict[str, Any] = analysis_doc["pillars"]
    columns = tuple(
        PillarColumn(key=key, title=POSITION_TITLES[key], known=key in pillars, data=pillars.get(key, {}))
        for key in DISPLAY_ORDER
    )
    bars = _bars(analysis_doc)
    sewoon = tuple(analysis_doc["sewoon"])  # the reference year and the next
    reading = build_reading(chart, analysis, reference=reference, voice=Voice.PLAIN)
    return ChartPage(
        birth=dict(birth_input.to_mapping()),
        chart=chart_doc,
        analysis=analysis_doc,
        columns=columns,
        bars=bars,
        chart_height=len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP,
        daewoon=analysis_doc["daewoon"],
        sewoon=sewoon,
        element_note=_element_note(analysis_doc),
        glance=reading.glance,
        corrections=corrections_of(chart_doc),
        place=place_label(birth=birth_input.to_mapping()),
        glossary=glossary(),
    )


UPCOMING_DAYS = 7  # today and the six days after it


@dataclass(frozen=True, slots=True)
class TodayPage:
    birth: dict[str, object]
    chart: dict[str, Any]
    day_master: Mapping[str, Any]
    days: tuple[Mapping[str, Any], ...]  # 일진 of today and the next days, each with "date" and "weekday"
    glossary: Mapping[str, str] = field(default_factory=dict)  # terms the reading may mark for a tap


WEEKDAYS_KO = ("월", "화", "수", "목", "금", "토", "일")


def today_page_build(*, birth: Mapping[str, object], day: date) -> TodayPage:
    """The natal chart and the 일진 of `day` and the following days against it (raises SajuError)."""
    chart = chart_from_birth(BirthInput.from_mapping(birth))
    days = []
    for offset in range(UPCOMING_DAYS):
        current = day + timedelta(days=offset)
        days.append(
            {
                "date": current,
                "weekday": WEEKDAYS_KO[current.weekday()],
                "is_today": offset == 0,
                **luck_to_json(iljin(chart, current).info),
            }
        )
    chart_doc = chart_to_json(chart)
    stem = chart.day.stem
    return TodayPage(
        birth=dict(chart.birth.to_mapping()),
        chart=chart_doc,
        day_master={"hanja": stem.hanja, "hangul": stem.hangul, "element": stem.element.value},
        days=tuple(days),
        glossary=glossary(),
    )
