"""docs/operations.md documents every switch and every setting of the console."""

from __future__ import annotations

import re
from pathlib import Path

from unse.core.switches import SWITCHES

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def test_every_editable_switch_is_documented() -> None:
    missing = [name for name, spec in SWITCHES.items() if spec.editable and f"`{name}`" not in DOC]
    assert not missing, f"document these switches in docs/operations.md: {missing}"


def test_every_ops_setting_is_documented() -> None:
    source = (ROOT / "config" / "settings" / "components" / "ops.py").read_text(encoding="utf-8")
    names = set(re.findall(r"^([A-Z][A-Z0-9_]+) = _o_env_", source, flags=re.MULTILINE))
    assert names
    missing = sorted(name for name in names if f"`{name}`" not in DOC)
    assert not missing, f"document these settings in docs/operations.md: {missing}"
