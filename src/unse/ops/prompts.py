"""Prompt versions an operator can switch between without a redeploy.

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


def prompt_template_for(kind: Kind, topic: Topic, mode: Mode, label: str) -> PromptTemplate:
    if label == CURRENT or not label:
        return prompting.prompt_template(kind, topic, mode)
    return _versioned_template(kind, topic, mode, label)


def prompt_override(kind: Kind, topic: Topic, mode: Mode) -> PromptTemplate | None:
    """Sync: the template of the version `prompts.active` pins for this prompt, or None for the current
    templates (callers then use `prompting.prompt_template`). A pinned version that is no longer
    shipped counts as none (logged), so a deploy that removes a version cannot break readings."""
    from unse.ops.selectors import switch_get
    from unse.ops.switches import prompt_slot

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
    from unse.ops.selectors import arefresh_switches

    await arefresh_switches()
    return prompt_override(kind, topic, mode)
