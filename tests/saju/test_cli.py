"""The ``saju`` command, called in-process through ``main`` and once as the installed console script."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from saju.calendar import day_pillar
from saju.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_chart_table_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["chart", "1990-05-15 14:30", "--gender", "female"], capsys)
    assert code == 0 and err == ""
    assert "사주팔자" in out and "庚(경)" in out and "未(미)" in out
    assert "지방평균시" in out and "조자시" in out and "음력 1990년 4월 21일" in out


def test_chart_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["chart", "1990-05-15 14:30", "--json"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert doc["pillars"] == {"year": "庚午", "month": "辛巳", "day": "庚辰", "hour": "癸未"}
    assert doc["conventions"]["time_basis"] == "lmt"


def test_chart_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["chart", "2012-03-10 12:00", "--lunar", "--leap", "--time-basis", "civil", "--day-change",
         "yajasi", "--tz", "Asia/Seoul", "--longitude", "129", "--json"],
        capsys,
    )  # fmt: skip
    doc = json.loads(out)
    assert code == 0 and doc["solar_date"] == "2012-04-30"
    assert doc["input"]["calendar"] == "lunar" and doc["input"]["leap"] is True
    code, out, _ = run(["chart", "1990-05-15 14:30", "--no-time", "--json"], capsys)
    assert json.loads(out)["pillars"]["hour"] is None
    code, out, _ = run(["chart", "1987-10-11 02:30", "--fold", "1", "--json"], capsys)
    assert json.loads(out)["instant_utc"] == "1987-10-10T17:30:00Z"


@pytest.mark.parametrize(
    ("argv", "code_text"),
    [
        (["chart", "1987-05-10 02:30"], "NONEXISTENT_TIME"),
        (["chart", "1987-10-11 02:30"], "AMBIGUOUS_TIME"),
        (["chart", "1990-13-01 10:00"], "INVALID_DATE"),
        (["chart", "2150-01-01 10:00"], "OUT_OF_RANGE"),
        (["chart", "1990-05-15 10:00", "--tz", "Mars/Olympus"], "INVALID_TIMEZONE"),
        (["chart", "1990-05-15 10:00", "--leap"], "INVALID_OPTION"),
        (["chart", "1990-05-15 10:00", "--with", "horoscope"], "INVALID_OPTION"),
        (["chart"], "USAGE"),
        (["chart", "--time-basis", "sidereal", "1990-05-15"], "USAGE"),
        (["terms", "1800"], "OUT_OF_RANGE"),
        (["day", "2026-02-30"], "INVALID_DATE"),
        (["nonsense"], "USAGE"),
    ],
)
def test_errors_are_one_line_exit_2(
    argv: list[str], code_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"[{code_text}]" in err and "Traceback" not in err


def test_batch_lines_in_order_with_per_line_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        {"datetime": "1987-05-10T23:30:00", "timezone": "Asia/Seoul", "time_basis": "civil"},
        {"datetime": "1987-05-10T02:30:00"},
        "not json",
        {"datetime": "1990-05-15", "time_unknown": True, "gender": "male"},
        [1, 2],
    ]
    data = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    monkeypatch.setattr(sys, "stdin", _Stdin(data.encode()))
    code, out, _ = run(["chart", "--batch", "-"], capsys)
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(results) == 5
    # civil 23:30 under the default 23h rule: the next day's pillar.
    assert results[0]["pillars"]["day"] == day_pillar(dt.date(1987, 5, 11)).hanja
    assert results[0]["conventions"]["dst"] is True
    assert results[1]["error"]["code"] == "NONEXISTENT_TIME"
    assert results[2]["error"]["code"] == "INVALID_INPUT"
    assert results[3]["pillars"]["hour"] is None and results[3]["input"]["gender"] == "male"
    assert results[4]["error"]["code"] == "INVALID_INPUT"


def test_batch_file_equals_single_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"datetime": "1990-05-15T14:30:00"}) + "\n", encoding="utf-8")
    _, batch_out, _ = run(["chart", "--batch", str(source)], capsys)
    _, single_out, _ = run(["chart", "1990-05-15T14:30:00", "--json"], capsys)
    single = json.loads(single_out)
    single.pop("analysis", None)  # a single chart adds the part-2 analysis by default, batch only with --with
    assert json.loads(batch_out) == single
    code, _, err = run(["chart", "--batch", str(tmp_path / "missing.jsonl")], capsys)
    assert code == 2 and "[IO]" in err


def test_terms_and_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["terms", "2026"], capsys)
    assert code == 0 and len(out.splitlines()) == 24
    assert "입춘 立春 315°  2026-02-04 05:02:02 KST  (절)" in out
    code, out, _ = run(["terms", "2026", "--json"], capsys)
    assert json.loads(out)[2]["kst"] == "2026-02-04T05:02:02+09:00"
    code, out, _ = run(["day", "2026-11-23"], capsys)
    assert code == 0 and out.startswith("2026-11-23 辛丑(신축)일")
    code, out, _ = run(["day", "2026-11-23", "--json"], capsys)
    assert json.loads(out)["pillar"] == "辛丑"


def test_installed_console_script() -> None:
    script = Path(sys.executable).with_name("saju")
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    done = subprocess.run([str(script), "chart", "2026-02-04 05:01", "--time-basis", "civil", "--json"],
                          capture_output=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 0
    assert json.loads(done.stdout)["pillars"]["year"] == "乙巳"
    bad = subprocess.run(
        [str(script), "chart", "1987-05-10 02:30"], capture_output=True, check=False, timeout=60
    )
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
