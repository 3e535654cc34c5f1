"""The full analysis of real charts: every item present, in the JSON, consistent with the tables."""

from __future__ import annotations

import json
from datetime import date

from saju.analysis import analysis_to_json, analyze
from saju.analysis.strength import StrengthBand
from tests.saju.analysis.helpers import bare, real_chart

REF = date(2026, 11, 24)


def test_chart_1990_05_15_ten_gods_stages_and_stars() -> None:
    """庚午 辛巳 庚辰 癸未 (1990-05-15 14:30, Seoul; pillars as in KASI-based 만세력s). Day master 庚."""
    a = analyze(real_chart("1990-05-15T14:30:00", "female"), reference=REF)
    doc = analysis_to_json(a)
    pillars = doc["pillars"]
    assert isinstance(pillars, dict)
    assert [pillars[k]["hanja"] for k in ("year", "month", "day", "hour")] == ["庚午", "辛巳", "庚辰", "癸未"]
    assert [pillars[k]["stem_ten_god"] for k in ("year", "month", "day", "hour")] == [
        "비견",
        "겁재",
        "일원",
        "상관",
    ]
    assert [pillars[k]["branch_ten_god"] for k in ("year", "month", "day", "hour")] == [
        "정관",
        "편관",
        "편인",
        "정인",
    ]
    # 庚: 長生 巳, 沐浴 午, 養 辰, 冠帶 未.
    assert [pillars[k]["twelve_stage"] for k in ("year", "month", "day", "hour")] == [
        "목욕",
        "장생",
        "양",
        "관대",
    ]
    assert [pillars[k]["nayin"]["hanja"] for k in ("year", "month", "day", "hour")] == [
        "路傍土",
        "白蠟金",
        "白蠟金",
        "楊柳木",
    ]
    assert doc["gongmang"] == {"by_day": ["申", "酉"], "by_year": ["戌", "亥"], "rule": "순중공망(旬中空亡)"}
    stars = {s["name"] for s in doc["shinsal"]}  # type: ignore[union-attr]
    assert {"천을귀인", "괴강살", "학당귀인"} <= stars  # 庚→未 천을, 庚辰 괴강, 庚 장생 巳
    names = {r["name"] for r in doc["relations"]}  # type: ignore[union-attr]
    assert {"午未 육합(火)", "巳午未 방합(火)"} <= names
    assert doc["elements"]["counts"] == {"木": 0, "火": 2, "土": 2, "金": 3, "水": 1}  # type: ignore[index]
    assert "木" in doc["elements"]["absent"]  # type: ignore[index]


def test_json_is_complete_and_serializable() -> None:
    doc = analysis_to_json(analyze(real_chart("1987-05-10T03:30:00", "male"), reference=REF))
    for key in (
        "day_master",
        "pillars",
        "ten_gods",
        "relations",
        "shinsal",
        "gongmang",
        "elements",
        "strength",
        "yongsin",
        "daewoon",
        "sewoon",
        "wolwoon",
        "iljin",
        "rules",
        "current_month",
    ):
        assert key in doc
    text = json.dumps(doc, ensure_ascii=False)
    assert json.loads(text) == doc
    assert len(doc["wolwoon"]) == 12  # type: ignore[arg-type]
    assert doc["daewoon"]["available"] is True  # type: ignore[index]
    for p in doc["pillars"].values():  # type: ignore[union-attr]
        assert len(p["hidden_stems"]) in (2, 3)


def test_deterministic_for_chart_and_reference() -> None:
    chart = real_chart("2001-09-11T21:05:00", "female")
    assert analysis_to_json(analyze(chart, reference=REF)) == analysis_to_json(analyze(chart, reference=REF))
    other = analysis_to_json(analyze(chart, reference=date(2030, 3, 1)))
    assert other["sewoon"] != analysis_to_json(analyze(chart, reference=REF))["sewoon"]


def test_time_unknown_has_three_pillars_everywhere() -> None:
    a = analyze(real_chart("1975-03-02T00:00:00", "male", time_unknown=True), reference=REF)
    assert [p.label for p in a.pillars] == ["년", "월", "일"]
    assert all(not any(m.startswith("시") for m in r.members) for r in a.relations)
    assert sum(a.balance.counts) == 6
    assert a.daewoon is not None and a.daewoon.approximate


def test_strength_extremes_and_yongsin_method() -> None:
    # 甲 day master surrounded by 木 and 水: very strong → 관성(金) or 재성 as 용신, never 인성.
    strong = analyze(bare("壬寅 壬寅 甲寅 甲子"), reference=REF)
    assert strong.strength.band in (StrengthBand.STRONG, StrengthBand.EXTREMELY_STRONG)
    assert strong.yongsin.group.value in ("관성", "재성", "식상") or strong.yongsin.basis.value == "종격"
    # 甲 among 金 and 土: weak → 인성 or 비겁.
    weak = analyze(bare("庚申 辛酉 甲申 戊辰"), reference=REF)
    assert weak.strength.is_weak
    assert weak.yongsin.group.value in ("인성", "비겁")
    assert weak.strength.score < strong.strength.score
