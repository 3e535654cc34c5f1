"""A serving worker's warm-up: what the first readings of a fresh process would otherwise pay for.

Per-process memos filled lazily cost the first requests of every worker about one second of CPU between
them: the engine's relation rows (≈ 0.3 s), the built-in interpreter's and the prompts' version hashes
(≈ 0.7 s: they hash the facts of committed probe charts). A burst right after a deploy or a rolling restart
would queue behind them. `worker_warm()` computes them when the ASGI worker imports its application
(config/asgi.py), before it serves (a background thread would compete with the first requests for the
interpreter, and a request arriving first would compute the same memo again).
"""

from __future__ import annotations

import logging
import time

from saju.analysis.analyze import warm_tables
from unse.readings import builtin
from unse.readings.cached import CHART_PACKER
from unse.readings.facts import FACTS_PACKER
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.prompting import prompt_template

logger = logging.getLogger(__name__)


def worker_warm() -> None:
    started = time.process_time()
    rows = warm_tables()
    for kind in Kind:
        builtin.prompt_version(kind)
    for kind in Kind:
        for topic in Topic:
            for mode in Mode:
                prompt_template(kind, topic, mode)
    CHART_PACKER.dictionary()
    FACTS_PACKER.dictionary()
    logger.info(
        "worker warm-up: %d relation rows, prompt versions (%.2f s CPU)", rows, time.process_time() - started
    )
