"""Prompts from versioned template files, and the messages the provider sees.

A prompt is three files under `prompts/`: `system.md`, `modes/<mode>.md` and `topics/<topic>.md` (or
`kinds/<kind>.md` for kinds other than the full reading). Its version is `PROMPT_SCHEMA` plus a hash of
those files' bytes, of the facts builder (`facts.py`) and of the engine (`keys.engine_version`), so editing
any template, or a change in what the facts say about a chart, changes every affected cache key: a prompt
change can never be answered from a stale cache (seed 003). The provider sees the system prompt, the question and the
chart facts only -- never a name, birth date or time, e-mail or any identifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from unse.ai.providers import Message
from unse.readings.dayclass import signature_version
from unse.readings.keys import Kind, Mode, Topic, engine_version
from unse.readings.pair import gunghap_rules_hash
from unse.readings.yearly import yearly_engine_version

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
FACTS_SOURCE = Path(__file__).resolve().parent / "facts.py"
# Bump when the code that assembles messages changes (e.g. the FACTS block format).
PROMPT_SCHEMA = "p1"
FACTS_MARKER = "FACTS:"
VERSION_HASH_CHARS = 12


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    system: str
    question: str
    version: str


def _template_paths(kind: Kind, topic: Topic, mode: Mode) -> tuple[Path, Path, Path]:
    question = PROMPTS_DIR / "topics" / f"{topic.value}.md"
    if kind is not Kind.SAJU:
        question = PROMPTS_DIR / "kinds" / f"{kind.value}.md"
    return PROMPTS_DIR / "system.md", PROMPTS_DIR / "modes" / f"{mode.value}.md", question


@cache
def prompt_template(kind: Kind, topic: Topic, mode: Mode) -> PromptTemplate:
    """Read (once per process) and version the templates of one (kind, topic, mode)."""
    system_path, mode_path, question_path = _template_paths(kind, topic, mode)
    blobs = [path.read_bytes() for path in (system_path, mode_path, question_path)]
    sources = [*blobs, FACTS_SOURCE.read_bytes(), engine_version().encode()]
    if kind is Kind.YEARLY:
        # Only yearly prompts receive the year's facts: their version alone follows them.
        sources.append(yearly_engine_version().encode())
    if kind is Kind.GUNGHAP:
        # What a 궁합 prompt receives beyond the two charts' facts: the pair's facts (`pair.py`).
        sources.append(gunghap_rules_hash().encode())
    if kind is Kind.DAILY:
        # The daily prompt receives the day signature's facts (unse.readings.dayclass), not the chart's.
        sources.append(signature_version().encode())
    digest = hashlib.sha256(b"\x00".join(sources)).hexdigest()[:VERSION_HASH_CHARS]
    system = blobs[0].decode().strip() + "\n\n" + blobs[1].decode().strip()
    return PromptTemplate(
        system=system,
        question=blobs[2].decode().strip(),
        version=f"{PROMPT_SCHEMA}-{kind.value}-{topic.value}-{mode.value}-{digest}",
    )


def build_messages(template: PromptTemplate, facts: Mapping[str, Any]) -> list[Message]:
    """System prompt + one user message: the question and the FACTS JSON block (nothing else)."""
    # Insertion order (not sorted): the core facts (일간, 기둥, 오행 개수) come first, as built by facts.py.
    facts_json = orjson.dumps(dict(facts)).decode()
    return [
        {"role": "system", "content": template.system},
        {"role": "user", "content": f"{template.question}\n\n{FACTS_MARKER}\n{facts_json}"},
    ]
