"""The documentation of the error model lists every code with its real status."""

from __future__ import annotations

import re
from pathlib import Path

from unse.core.errors import ErrorCode

DOC = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def test_every_error_code_is_documented_with_its_status():
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", DOC.read_text(), flags=re.MULTILINE))
    missing = [code.name for code in ErrorCode if code.name not in rows]
    assert not missing, f"add these codes to docs/errors.md: {missing}"
    wrong = {code.name: rows[code.name] for code in ErrorCode if rows[code.name] != str(code.status)}
    assert not wrong, wrong
