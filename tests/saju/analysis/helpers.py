"""Chart builders for analysis tests: real charts through saju.chart, or bare pillars for table tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from saju.birth import BirthInput, Gender
from saju.chart import Chart, chart_from_birth
from saju.core import Pillar


def real_chart(when: str, gender: str | None = None, **extra: object) -> Chart:
    data: dict[str, object] = {"datetime": when, **extra}
    if gender is not None:
        data["gender"] = gender
    return chart_from_birth(BirthInput.from_mapping(data))


@dataclass(frozen=True)
class BareBirth:
    gender: Gender | None = None
    timezone: str = "Asia/Seoul"


@dataclass(frozen=True)
class BareChart:
    """Pillars only (for table tests): satisfies saju.analysis.ChartLike; no 대운 without gender."""

    year: Pillar
    month: Pillar
    day: Pillar
    hour: Pillar | None
    birth: BareBirth = field(default_factory=BareBirth)
    instant_utc: datetime | None = None
    solar_date: date = date(1990, 6, 15)


def bare(text: str) -> BareChart:
    """bare("庚午 辛巳 庚辰 癸未") — year month day [hour]."""
    parts = [Pillar.parse(p) for p in text.split()]
    return BareChart(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else None)
