"""The life timeline for the pages: the engine's `life_timeline` laid out as SVG (the ten 대운 as bands,
the 세운 scores of a ten-year span as a line) plus the rows of their text tables.

Two layouts of the same drawing: a wide one (ten bands in a row) and a narrow one for phones (two rows of
five, a narrower line chart), so the text stays readable at 390 px; CSS shows one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from saju.analysis import Analysis
from saju.chart import Chart
from saju.yearly.facts import SCORE_MAX
from saju.yearly.timeline import DaewoonBand, LifeTimeline, YearPoint, life_timeline

BAND_HEIGHT = 64
BAND_GAP = 4
LINE_HEIGHT = 180
LINE_TOP = 16
LINE_BOTTOM = 40  # room for the year labels
LINE_SIDE = 28
NEUTRAL_SCORE = 50


@dataclass(frozen=True, slots=True)
class BandBox:
    band: DaewoonBand
    x: float
    y: float
    width: float
    text_x: float
    label: str  # what a screen reader and the tap note say


@dataclass(frozen=True, slots=True)
class PointBox:
    point: YearPoint
    x: float
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Layout:
    key: str  # "wide" or "narrow"
    width: int
    bands: tuple[BandBox, ...]
    bands_height: int
    points: tuple[PointBox, ...]
    polyline: str
    line_height: int
    baseline_y: float  # y of the 50-point (보통) guide


@dataclass(frozen=True, slots=True)
class TimelineView:
    timeline: LifeTimeline
    layouts: tuple[Layout, ...]
    first_year: int
    last_year: int


def _band_label(b: DaewoonBand) -> str:
    now = " (지금 대운)" if b.current else ""
    return (
        f"{b.ordinal}번째 대운 {b.pillar.hanja}({b.pillar.hangul}) · 세는 나이 {b.start_age}–{b.end_age}세 · "
        f"{b.start_year}–{b.end_year}년 · 정확한 시작일 {b.start_date.year}년 {b.start_date.month}월 "
        f"{b.start_date.day}일 · {b.stem_ten_god}{now}"
    )


def _y(score: int) -> float:
    usable = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    return round(LINE_TOP + usable * (1 - score / SCORE_MAX), 1)


def _layout(key: str, width: int, per_row: int, t: LifeTimeline) -> Layout:
    band_width = (width - BAND_GAP * (per_row - 1)) / per_row
    bands = []
    for i, b in enumerate(t.bands):
        row, col = divmod(i, per_row)
        x = round(col * (band_width + BAND_GAP), 1)
        bands.append(
            BandBox(
                b,
                x,
                row * (BAND_HEIGHT + BAND_GAP),
                round(band_width, 1),
                round(x + band_width / 2, 1),
                _band_label(b),
            )
        )
    rows = -(-len(t.bands) // per_row) if t.bands else 0
    step = (width - 2 * LINE_SIDE) / max(len(t.years) - 1, 1)
    points = tuple(
        PointBox(
            p,
            round(LINE_SIDE + i * step, 1),
            _y(p.score),
            f"{p.year}년 {p.pillar.hanja}({p.pillar.hangul}) {p.score}점 {p.grade}",
        )
        for i, p in enumerate(t.years)
    )
    return Layout(
        key=key,
        width=width,
        bands=tuple(bands),
        bands_height=max(rows * (BAND_HEIGHT + BAND_GAP) - BAND_GAP, 0),
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        line_height=LINE_HEIGHT,
        baseline_y=_y(NEUTRAL_SCORE),
    )


def timeline_view(
    chart: Chart, *, current_year: int, first_year: int | None = None, analysis: Analysis | None = None
) -> TimelineView:
    t = life_timeline(chart, current_year=current_year, first_year=first_year, analysis=analysis)
    return TimelineView(
        timeline=t,
        layouts=(_layout("wide", 700, 10, t), _layout("narrow", 360, 5, t)),
        first_year=t.years[0].year if t.years else current_year,
        last_year=t.years[-1].year if t.years else current_year,
    )
