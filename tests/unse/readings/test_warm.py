"""A worker's warm-up fills the per-process memos the first readings would otherwise pay for."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from saju.analysis.analyze import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from unse.readings import builtin
from unse.readings.prompting import prompt_template
from unse.readings.warm import worker_warm

# `saju.analysis.analyze` the attribute is the function; the modules are what keep the rows.
analyze_module = importlib.import_module("saju.analysis.analyze")
relations_module = importlib.import_module("saju.analysis.relations")


def test_after_the_warm_up_a_new_chart_builds_no_relation_row_and_versions_are_ready(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A fresh process: no row, no version computed yet.
    analyze_module._ROW_TABLES.clear()
    relations_module._ROW_CACHE.clear()
    builtin._rules_hash.cache_clear()
    prompt_template.cache_clear()

    worker_warm()

    assert builtin._rules_hash.cache_info().currsize == 1
    assert prompt_template.cache_info().currsize > 0

    def built(*args: object) -> object:
        raise AssertionError(f"relation row built after the warm-up: {args}")

    monkeypatch.setattr(analyze_module, "pair_row", built)
    for year in (1931, 1977, 1990, 2024):
        chart = chart_from_birth(
            BirthInput.from_mapping({"datetime": f"{year}-03-07T05:40", "gender": "male"})
        )
        analysis = analyze(chart, reference=date(2026, 12, 6))
        assert analysis.daewoon and analysis.day_master
