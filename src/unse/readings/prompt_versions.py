"""Prompt versions an operator can pin without a redeploy (the `prompts.active` runtime switch).

The current templates are `src/unse/readings/prompts/` (their version is a hash of the files, see
docs/ai-pipeline.md). Other versions ship with the code under `prompts/versions/<label>/` and may
override any of the three files of a prompt (`system.md`, `modes/<mode>.md`, `topics/<topic>.md` or
`kinds/<kind>.md`); files a version lacks come from the current templates. The switch
`prompts.active` picks a version per `<kind>/<topic>/<mode>`. Because the version string is still a
hash of the bytes sent to the provider, switching versions never serves a cached answer of another
prompt, and switching back finds the earlier answers again.

Versions are files reviewed with the code on purpose: a prompt typed into a web form would bypass that
review and the grounding rules written into `system.md`.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

from unse.core.switch_store import arefresh_switches, switch_get
from unse.core.switches import SwitchValueError
from unse.readings import prompting
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.prompting import PromptTemplate

logger = logging.getLogger(__name__)

CURRENT = "current"
VERSIONS_DIRNAME = "versions"


def _base_paths(kind: Kind, topic: Topic, mode: Mode) -> tuple[Path, Path, Path]:
    root = prompting.PROMPTS_DIR
    question = root / "topics" / f"{topic.value}.md"
    if kind is not Kind.SAJU:
        question = root / "kinds" / f"{kind.value}.md"
    return root / "system.md", root / "modes" / f"{mode.value}.md", question


def _version_root(label: str) -> Path:
    return prompting.PROMPTS_DIR / VERSIONS_DIRNAME / label


def prompt_versions_available(kind: Kind, topic: Topic, mode: Mode) -> list[str]:
    """`current` plus every shipped version that overrides at least one file of this prompt."""
    labels = [CURRENT]
    versions = prompting.PROMPTS_DIR / VERSIONS_DIRNAME
    if not versions.is_dir():
        return labels
    base = _base_paths(kind, topic, mode)
    for directory in sorted(p for p in versions.iterdir() if p.is_dir()):
        if any((directory / path.relative_to(prompting.PROMPTS_DIR)).is_file() for path in base):
            labels.append(directory.name)
    return labels


@cache
def _versioned_template(kind: Kind, topic: Topic, mode: Mode, label: str) -> PromptTemplate:
    base = _base_paths(kind, topic, mode)
    root = _version_root(label)
    paths = []
    for path in base:
        override = root / path.relative_to(prompting.PROMPTS_DIR)
        paths.append(override if override.is_file() else path)
    blobs = [path.read_bytes() for path in paths]
    digest = hashlib.sha256(b"\x00".join(blobs)).hexdigest()[: prompting.VERSION_HASH_CHARS]
    return PromptTemplate(
        system=blobs[0].decode().strip() + "\n\n" + blobs[1].decode().strip(),
        question=blobs[2].decode().strip(),
        version=f"{prompting.PROMPT_SCHEMA}-{kind.value}-{topic.value}-{mode.value}-{digest}-{label}",
    )


def prompt_slot(kind: Kind, topic: Topic, mode: Mode) -> str:
    """The key of one prompt in the `prompts.active` switch: `<kind>/<topic>/<mode>`."""
    return f"{kind.value}/{topic.value}/{mode.value}"


def check_prompt_pins(value: Any) -> None:
    """The validation of the `prompts.active` switch (registered with the switch registry at start-up)."""
    for slot, label in value.items():
        parts = slot.split("/")
        try:
            kind, topic, mode = Kind(parts[0]), Topic(parts[1]), Mode(parts[2])
        except (ValueError, IndexError) as exc:
            raise SwitchValueError(
                f"프롬프트 위치 '{slot}'가 올바르지 않습니다(형식: 종류/주제/말투, 예: saju/general/plain)."
            ) from exc
        if len(parts) != 3:
            raise SwitchValueError(f"프롬프트 위치 '{slot}'가 올바르지 않습니다(형식: 종류/주제/말투).")
        available = prompt_versions_available(kind, topic, mode)
        if label not in available:
            raise SwitchValueError(
                f"'{slot}'에 '{label}' 버전이 없습니다. 사용할 수 있는 버전: {', '.join(available) or '(없음)'}"
            )


def prompt_override(kind: Kind, topic: Topic, mode: Mode) -> PromptTemplate | None:
    """Sync: the template of the version `prompts.active` pins for this prompt, or None for the current
    templates (callers then use `prompting.prompt_template`). A pinned version that is no longer
    shipped counts as none (logged), so a deploy that removes a version cannot break readings."""
    slot = prompt_slot(kind, topic, mode)
    label = str((switch_get("prompts.active") or {}).get(slot, CURRENT))
    if label == CURRENT:
        return None
    if label not in prompt_versions_available(kind, topic, mode):
        logger.warning("prompt version %s of %s is not shipped; using the current templates", label, slot)
        return None
    return _versioned_template(kind, topic, mode, label)


async def aprompt_override(kind: Kind, topic: Topic, mode: Mode) -> PromptTemplate | None:
    """Async (the readings pipeline's entry): refreshes this process's switches first when stale, so
    everything after it in the request (providers, rate limits, budget, fallback) sees fresh values."""
    await arefresh_switches()
    return prompt_override(kind, topic, mode)
