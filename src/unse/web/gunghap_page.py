"""Reads for the 궁합 page: both chart pages, the relation diagram between them and the score bars.

The diagram is an SVG drawn from the engine's facts: A's pillars on top, B's below (in the chart page's
order, 시 일 월 년 from left), one labelled line per relation between the two charts. Everything scales
with the viewBox, so the page never scrolls sideways on a phone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from saju.compat import Category, CompatFact, Side, Tone
from saju.compat.rules import CATEGORY_CAP
from saju.reading.gunghap import gunghap_markdown
from unse.readings.pair import PairResult, gunghap_compute
from unse.readings.sanitize import render_markdown
from unse.web.selectors import DISPLAY_ORDER, ChartPage, chart_page_build

POSITION_LABELS: dict[str, str] = {"hour": "시", "day": "일", "month": "월", "year": "년"}
COLUMN_INDEX: dict[str, int] = {POSITION_LABELS[key]: i for i, key in enumerate(DISPLAY_ORDER)}
# Diagram geometry (viewBox units).
BOX_W, BOX_H, GAP_X, LEFT = 60, 36, 26, 30
A_STEM_Y, A_BRANCH_Y = 24, 64
B_BRANCH_Y, B_STEM_Y = 214, 254
VIEW_W = LEFT + 4 * BOX_W + 3 * GAP_X + 10
VIEW_H = B_STEM_Y + BOX_H + 24
MAX_LINES = 8
LABEL_MARGIN = 36
DRAWN = (Category.DAY_MASTER, Category.DAY_BRANCH, Category.CROSS)
BAR_HALF = 100  # half the bar track, for the category's cap


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    glyph: str
    element: str


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    label_x: float
    label_y: float
    tone: str  # good / hard / neutral
    where: str


@dataclass(frozen=True, slots=True)
class Bar:
    title: str
    points: int
    weight: float
    contribution: str  # "+12", "-3.6"
    rule: str
    x: float  # the bar's left edge in a 0..200 track
    width: float
    tone: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GunghapPage:
    relation: str
    relation_label: str
    page_a: ChartPage
    page_b: ChartPage
    score: int
    base: int
    bars: tuple[Bar, ...]
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    columns: tuple[tuple[float, str], ...]  # (x centre, "시주") for the diagram's headers
    view: tuple[int, int]
    glance: tuple[str, ...]
    reading_html: str
    notices: tuple[str, ...]


def _column_x(label: str) -> int:
    return LEFT + COLUMN_INDEX[label] * (BOX_W + GAP_X)


def _boxes(page: ChartPage, side: Side) -> list[Box]:
    stem_y, branch_y = (A_STEM_Y, A_BRANCH_Y) if side is Side.A else (B_STEM_Y, B_BRANCH_Y)
    out = []
    for column in page.columns:
        if not column.known:
            continue
        x = _column_x(POSITION_LABELS[column.key])
        out.append(Box(x, stem_y, column.data["stem"]["hanja"], column.data["stem"]["element"]))
        out.append(Box(x, branch_y, column.data["branch"]["hanja"], column.data["branch"]["element"]))
    return out


def _anchor(side: Side, slot: str) -> tuple[float, float]:
    x = _column_x(slot[0]) + BOX_W / 2
    stem = slot.endswith("간")
    if side is Side.A:
        return x, (A_STEM_Y if stem else A_BRANCH_Y) + BOX_H
    return x, B_STEM_Y if stem else B_BRANCH_Y


def _lines(facts: tuple[CompatFact, ...]) -> tuple[Line, ...]:
    drawn = [
        f
        for f in facts
        if f.category in DRAWN
        and len(f.places) == 2
        and all(p.side is not None and p.slot[0] in COLUMN_INDEX for p in f.places)
        and (f.points != 0 or f.category is not Category.DAY_MASTER)
        and f.key not in ("same", "generates", "controls")
    ]
    drawn.sort(key=lambda f: -abs(f.points))
    drawn = drawn[:MAX_LINES]
    out = []
    # Each label gets its own row in the gap between the two charts, on its line: labels never overlap.
    top, bottom = A_BRANCH_Y + BOX_H + 10, B_BRANCH_Y - 6
    step = (bottom - top) / max(1, len(drawn) - 1) if len(drawn) > 1 else 0
    for k, fact in enumerate(drawn):
        a, b = fact.places
        if a.side is None or b.side is None:
            continue
        x1, y1 = _anchor(a.side, a.slot)
        x2, y2 = _anchor(b.side, b.slot)
        label_y = top + step * k if len(drawn) > 1 else (top + bottom) / 2
        t = (label_y - y1) / (y2 - y1) if y2 != y1 else 0.5
        label_x = min(max(x1 + (x2 - x1) * t, LABEL_MARGIN), VIEW_W - LABEL_MARGIN)
        out.append(
            Line(
                x1,
                y1,
                x2,
                y2,
                fact.name,
                round(label_x, 1),
                round(label_y + 3, 1),
                fact.tone.value,
                fact.where,
            )
        )
    return tuple(out)


def _bars(result: PairResult) -> tuple[Bar, ...]:
    bars = []
    for c in result.compat.breakdown:
        cap = CATEGORY_CAP[c.category]
        length = BAR_HALF * abs(c.points) / cap
        x = BAR_HALF if c.points >= 0 else BAR_HALF - length
        reasons = tuple(
            f"{f.name} ({f.where}, {f.points:+d})" for f in result.compat.facts_of(c.category) if f.points
        )[:4]
        bars.append(
            Bar(
                title=c.category.title,
                points=c.points,
                weight=c.weight,
                contribution=f"{c.contribution:+g}",
                rule=c.rule,
                x=round(x, 1),
                width=round(length, 1),
                tone=Tone.GOOD.value
                if c.points > 0
                else Tone.HARD.value
                if c.points < 0
                else Tone.NEUTRAL.value,
                reasons=reasons,
            )
        )
    return tuple(bars)


def gunghap_page_build(
    *, a: Mapping[str, object], b: Mapping[str, object], relation: str, reference: date
) -> GunghapPage:
    """Both charts, their 궁합 and its reading (raises ServiceError naming the person on bad input)."""
    result = gunghap_compute(a=a, b=b, relation=relation, reference_date=reference)
    page_a = chart_page_build(birth=a, reference=reference)
    page_b = chart_page_build(birth=b, reference=reference)
    reading = result.reading
    markdown = gunghap_markdown(reading).split("\n", 1)[1]
    # The page shows 한눈에 보기 on its own; the sections follow it.
    sections = markdown[markdown.index("## ") :] if "## " in markdown else markdown
    return GunghapPage(
        relation=result.compat.relation.value,
        relation_label=result.compat.relation.label,
        page_a=page_a,
        page_b=page_b,
        score=result.compat.score,
        base=result.compat.base,
        bars=_bars(result),
        boxes=tuple(_boxes(page_a, Side.A) + _boxes(page_b, Side.B)),
        lines=_lines(result.compat.facts),
        columns=tuple(
            (_column_x(POSITION_LABELS[key]) + BOX_W / 2, POSITION_LABELS[key] + "주")
            for key in DISPLAY_ORDER
        ),
        view=(VIEW_W, VIEW_H),
        glance=reading.glance,
        reading_html=render_markdown(sections),
        notices=reading.notices,
    )
