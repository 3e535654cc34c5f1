"""``saju calendar`` and ``saju convert`` through ``saju.cli.main``, as a terminal user runs them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from saju.almanac import cli as almanac_cli
from saju.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    day = dt.date(2026, 12, 24)
    monkeypatch.setattr(almanac_cli, "today_kst", lambda: day)
    return day


def test_calendar_grid_in_korean(capsys: pytest.CaptureFixture[str], today: dt.date) -> None:
    code, out, err = run(["calendar", "2026-12"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "2026년 12월 만세력 (음력 2026년 10월 23일 – 2026년 11월 23일)"
    assert "연주 丙午(병오) · 월주 己亥(기해) → 庚子(경자), 12월 7일(월) 11:52 대설부터" in out
    assert lines[3].split() == ["일", "월", "화", "수", "목", "금", "토"]
    assert "[24]" in out and "25*" in out  # today, a holiday
    assert "乙卯 ○" in out  # 12-07 is lunar 10.29: 손 없는 날
    assert "12월 7일(월) 11:52:25 대설(大雪) · 월주 己亥 → 庚子" in out
    assert "12월 25일(금) 기독탄신일" in out
    assert "손 없는 날(음력 9·0으로 끝나는 날): 7·8·17·18·27·28일" in out


def test_calendar_shows_the_clock_of_the_time_and_year_switch(
    capsys: pytest.CaptureFixture[str], today: dt.date
) -> None:
    code, out, _ = run(["calendar", "1955-02"], capsys)
    assert code == 0
    assert "연주 甲午(갑오) → 乙未(을미)" in out
    assert "UTC+8:30" in out and "입춘(立春)" in out and "연주 甲午 → 乙未" in out
    code, out, _ = run(["calendar", "1930-01"], capsys)
    assert "공휴일 자료는 1948년부터 있습니다." in out and "[" not in out.split("\n\n")[1]


def test_calendar_defaults_to_this_month(capsys: pytest.CaptureFixture[str], today: dt.date) -> None:
    code, out, _ = run(["calendar"], capsys)
    assert code == 0 and out.startswith("2026년 12월 만세력") and "[24]" in out
    _, other, _ = run(["calendar", "2027-01"], capsys)
    assert "[" not in other.split("절기")[0].split("\n", 3)[3]  # no day marked outside this month


def test_calendar_json(capsys: pytest.CaptureFixture[str], today: dt.date) -> None:
    code, out, _ = run(["calendar", "2026-2", "--json"], capsys)
    doc = json.loads(out)
    assert code == 0 and (doc["year"], doc["month"], len(doc["days"])) == (2026, 2, 28)
    ipchun = doc["days"][3]
    assert ipchun["terms"][0]["kst"] == "2026-02-04T05:02:02+09:00"
    assert ipchun["year_change"]["after"] == {"hanja": "丙午", "hangul": "병오"}
    assert ipchun["month_change"]["kst"] == "2026-02-04T05:02:02+09:00"
    assert doc["days"][16]["holidays"] == ["설날"] and doc["sources"]["holidays"].startswith("holidays ")


@pytest.mark.parametrize(
    ("argv", "code_text"),
    [
        (["calendar", "2026-13"], "INVALID_DATE"),
        (["calendar", "2026/12"], "INVALID_DATE"),
        (["calendar", "1899-12"], "OUT_OF_RANGE"),
        (["calendar", "2101-01", "--json"], "OUT_OF_RANGE"),
        (["convert", "--lunar", "2012-04-01", "--leap"], "INVALID_LUNAR_DATE"),
        (["convert", "--lunar", "2026-02-30"], "INVALID_LUNAR_DATE"),
        (["convert", "--lunar", "2026-2"], "INVALID_DATE"),
        (["convert", "--lunar", "2101-01-01"], "OUT_OF_RANGE"),
        (["convert", "--solar", "2025-02-30"], "INVALID_DATE"),
        (["convert", "--solar", "1899-12-31"], "OUT_OF_RANGE"),
        (["convert"], "INVALID_OPTION"),
        (["convert", "--lunar", "2025-06-01", "--solar", "2025-07-25"], "INVALID_OPTION"),
        (["convert", "--solar", "2025-07-25", "--leap"], "INVALID_OPTION"),
    ],
)
def test_bad_input_is_one_korean_line_and_exit_2(
    argv: list[str], code_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"오류 [{code_text}]: ")
    assert any("가" <= ch <= "힣" for ch in err)


def test_convert_lunar_leap(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["convert", "--lunar", "2025-06-01", "--leap"], capsys)
    assert code == 0
    assert out.splitlines() == [
        "음력 2025년 윤6월 1일 = 양력 2025년 7월 25일 금요일",
        "일진 乙未(을미)",
        "음력 2025년 윤6월: 29일까지 있는 달",
        "음력 2025년의 윤달: 윤6월",
        "같은 해 6월 1일: 양력 2025년 6월 25일",
    ]


def test_convert_solar_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["convert", "--solar", "2026-02-17"], capsys)
    assert code == 0 and out.splitlines()[0] == "양력 2026년 2월 17일 화요일 = 음력 2026년 1월 1일"
    assert "음력 2026년에는 윤달이 없습니다." in out
    code, out, _ = run(["convert", "--solar", "2025-07-25", "--json"], capsys)
    doc = json.loads(out)
    assert doc["lunar"] == {"year": 2025, "month": 6, "day": 1, "leap": True} and doc["twin"] == "2025-06-25"
    code, out, _ = run(["convert", "--lunar", "2025-06-30"], capsys)
    assert "같은 해 윤6월 30일: 그달에는 없는 날짜입니다." in out
