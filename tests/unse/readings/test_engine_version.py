"""The prompt version follows what the prompt receives, not the engine's source files: a refactor or a
comment in `saju` keeps every cached reading, a change of the facts replaces them (issue 14)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from unse.readings import builtin, keys

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import saju, json\n"
    "from unse.readings import keys, builtin\n"
    "print(json.dumps([saju.__file__, keys.engine_version(), builtin.model_id()]))\n"
)


def _versions_with(engine: Path) -> tuple[str, str]:
    """engine_version() and the built-in model id computed in a fresh process on the engine at `engine`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(engine.parent), str(ROOT / "src"), str(ROOT)])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    path, version, model = json.loads(out.stdout)
    assert Path(path).resolve().is_relative_to(engine.resolve())  # the copy was imported, not src/saju
    return version, model


@pytest.fixture
def engine_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src" / "saju"
    shutil.copytree(ROOT / "src" / "saju", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_refactor_or_a_comment_in_the_engine_keeps_the_prompt_version(engine_copy: Path) -> None:
    strength = engine_copy / "analysis" / "strength.py"
    text = strength.read_text(encoding="utf-8")
    # Rename a private helper everywhere it is used, add comments and reword a docstring.
    text = re.sub(r"\b_band\b", "_band_for_score", text)
    strength.write_text("# A comment added by a refactor.\n" + text, encoding="utf-8")
    _edit(
        engine_copy / "reading" / "model.py", '"""Reading result types', '"""Reading result types (reworded)'
    )
    (engine_copy / "analysis" / "unused_helper.py").write_text(
        "def helper() -> int:\n    return 1\n", encoding="utf-8"
    )
    assert _versions_with(engine_copy) == (keys.engine_version(), builtin.model_id())


def test_a_change_of_the_facts_changes_the_prompt_version(engine_copy: Path) -> None:
    # The month branch weighs more in the strength score: the scores (and some bands) in the facts move.
    _edit(engine_copy / "analysis" / "strength.py", '"월지": 30.0', '"월지": 36.0')
    version, model = _versions_with(engine_copy)
    assert version != keys.engine_version()
    assert model != builtin.model_id()


def test_a_change_of_the_rule_based_text_changes_only_the_builtin_version(engine_copy: Path) -> None:
    _edit(engine_copy / "reading" / "build.py", "중요한 결정은", "중요한 일은")
    version, model = _versions_with(engine_copy)
    assert version == keys.engine_version()  # the AI prompts receive the same facts
    assert model != builtin.model_id()


def test_the_engine_version_is_a_function_of_the_probe_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    first = keys.engine_version()
    probes = keys.engine_probes()
    assert len(probes) >= 20 and all(len(p.references) >= 2 for p in probes)
    keys.engine_version.cache_clear()
    monkeypatch.setattr(keys, "engine_probes", lambda: probes[:-1])
    try:
        assert keys.engine_version() != first  # the facts of every probe count
    finally:
        keys.engine_version.cache_clear()
