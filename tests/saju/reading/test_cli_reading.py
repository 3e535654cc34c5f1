"""`saju reading` and the analysis/reading extensions of `saju chart`."""

from __future__ import annotations

import io
import json
import sys

import pytest

from saju.cli import main


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: bytes | None = None
) -> tuple[int, str, str]:
    buffer = io.BytesIO()

    class Out:
        def __init__(self) -> None:
            self.buffer = buffer

        def write(self, text: str) -> int:
            return buffer.write(text.encode())

        def flush(self) -> None:
            pass

    old_out, old_in = sys.stdout, sys.stdin
    sys.stdout = Out()  # type: ignore[assignment]
    if stdin is not None:
        sys.stdin = type("In", (), {"buffer": io.BytesIO(stdin)})()  # type: ignore[assignment]
    try:
        code = main(argv)
    finally:
        sys.stdout, sys.stdin = old_out, old_in
    return code, buffer.getvalue().decode(), capsys.readouterr().err


def test_reading_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["reading", "1990-05-15 14:30", "--gender", "female", "--reference", "2026-11-24"], capsys
    )
    assert code == 0
    assert out.startswith("# 사주 풀이 (2026년 운 기준)")
    assert "## 2026년 세운" in out
    code, out, _ = run(
        ["reading", "1990-05-15 14:30", "--gender", "female", "--reference", "2026-11-24", "--json"], capsys
    )
    doc = json.loads(out)
    assert [s["key"] for s in doc["sections"]][:3] == ["personality", "elements", "tengods"]


def test_reading_daily(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["reading", "1990-05-15 14:30", "--gender", "female", "--daily", "2026-11-24", "--json"], capsys
    )
    assert code == 0 and json.loads(out)["pillar"] == "壬寅"


def test_reading_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["reading", "1990-13-15 14:30"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "INVALID_DATE" in err
    code, _, err = run(["reading", "1990-05-15 14:30", "--reference", "soon"], capsys)
    assert code == 2 and "INVALID_DATE" in err


def test_chart_terminal_shows_analysis_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["chart", "1990-05-15 14:30", "--gender", "female"], capsys)
    assert code == 0
    for label in (
        "천간십신",
        "지장간",
        "12운성",
        "납음",
        "신강약",
        "용신(억부): 용신 토(土)",
        "격국: 편관격",
        "합화: 巳午未 방합(火)",
        "대운: 역행, 대운수 3",
    ):
        assert label in out


def test_chart_json_and_batch_with_analysis_and_reading(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["chart", "1990-05-15 14:30", "--gender", "female", "--json", "--with", "analysis"], capsys
    )
    doc = json.loads(out)
    assert doc["analysis"]["pillars"]["day"]["hanja"] == "庚辰"
    lines = b'{"datetime": "1990-05-15T14:30:00", "gender": "male"}\n{"datetime": "bad"}\n'
    code, out, _ = run(["chart", "--batch", "-", "--with", "analysis,reading"], capsys, stdin=lines)
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["analysis"]["daewoon"]["direction"] == "순행"
    assert len(first["reading"]["sections"]) == 12
    assert "error" in second


def test_a_reference_or_daily_date_before_the_birth_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for extra in (["--reference", "2000-01-01"], ["--daily", "2000-01-01"]):
        code, out, err = run(["reading", "2010-05-15 14:30", "--gender", "female", *extra], capsys)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("오류 [INVALID_REFERENCE]: ") and "출생일" in err
