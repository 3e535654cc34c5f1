"""The rule-based 신년운세 text and ``saju year`` as a terminal user runs it."""

from __future__ import annotations

import json

import pytest

from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.cli import main
from saju.yearly import year_fortune
from saju.yearly.reading import year_reading


def reading_text(when: str, gender: str, year: int) -> str:
    c = chart_from_birth(BirthInput.from_mapping({"datetime": when, "gender": gender}))
    r = year_reading(year_fortune(c, year))
    return " ".join([*r.glance, *(p.text for p in r.paragraphs), *(m.judgement for m in r.months)])


def test_reading_is_specific_to_the_chart_and_the_year() -> None:
    a = reading_text("1990-05-15 14:30", "female", 2027)
    assert a != reading_text("1990-05-15 14:30", "female", 2028)
    assert a != reading_text("1985-11-02 08:00", "male", 2027)
    assert "2027년" in a and "정관" in a


def test_month_judgement_agrees_with_its_score() -> None:
    c = chart_from_birth(BirthInput.from_mapping({"datetime": "1990-05-15 14:30", "gender": "female"}))
    f = year_fortune(c, 2027)
    for m, mr in zip(f.months, year_reading(f).months, strict=True):
        assert f"{m.score.value}점" in mr.judgement
        assert ("돕지 않아" in mr.judgement) == (m.score.value < 45)


def test_particles_follow_the_word() -> None:
    text = reading_text("1990-05-15 14:30", "female", 2023)
    assert "대운이 丁丑(정축)으로 바뀝니다" in text
    assert "을(를)" not in text and "이(가)" not in text


def test_cli_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["year", "1990-05-15 14:30", "--gender", "female", "2027"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 2027년 신년운세 — 丁未(정미)년")
    assert "## 한눈에 보기" in out and out.count("### ") == 12
    assert main(["year", "1990-05-15 14:30", "--gender", "female", "2027", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["fortune"]["year"] == 2027 and len(doc["fortune"]["months"]) == 12
    assert doc["fortune"]["months"][0]["start"] == "2027-02-04T10:46:12+09:00"
    assert doc["fortune"]["score"]["breakdown"][-1].startswith("= ")
    assert doc["reading"]["paragraphs"][0]["key"] == "theme"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["year", "1990-05-15 14:30", "1950"], "오류 [OUT_OF_RANGE]"),
        (["year", "1990-05-15 14:30"], "오류 [USAGE]: 볼 연도"),
        (["year", "1990-05-15 14:30", "2027", "x"], "오류 [USAGE]"),
        (["year", "1990-13-15 14:30", "2027"], "오류 [INVALID_DATE]"),
    ],
)
def test_cli_errors_are_one_line_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
