"""A serving worker's warm-up: what the first readings of a fresh process would otherwise pay for.

Per-process memos filled lazily cost the first requests of every worker about one second of CPU between
them: the engine's relation rows (≈ 0.3 s), the built-in interpreter's and the prompts' version hashes
(≈ 0.7 s: they hash the facts of committed probe charts). A burst right after a deploy or a rolling restart
would queue behind them. `worker_warm_start()` computes them in a background thread when the ASGI worker
starts (config/asgi.py): requests are served meanwhile, and a memo filled twice by a request and the thread
is filled with the same value.
"""

from __future__ import annotations

import logging
import threading
import time

from saju.analysis.analyze import warm_tables
from unse.readings import builtin
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
    logger.info(
        "worker warm-up: %d relation rows, prompt versions (%.2f s CPU)", rows, time.process_time() - started
    )


def worker_warm_start() -> threading.Thread:
    thread = threading.Thread(target=_warm_logged, name="unse-warm", daemon=True)
    thread.start()
    return thread


def _warm_logged() -> None:
    try:
        worker_warm()
    except Exception:
        # A warm-up is an optimisation: the first requests compute whatever it did not.
        logger.exception("worker warm-up failed")
