"""One command run on several cores (`generate_daily_fortunes --processes N`).

The targets are split into N contiguous id ranges of about equal size (read once, by keyset pages of
ids, so planning stays flat in memory). The command's own process runs the first range and forks N − 1
worker processes for the others; each runs the same async engine with workers/N coroutines. Every
process writes its users' failures into the run's `BatchFailure` rows and sends its tally over a queue,
so the parent shows one merged progress, writes the run's heartbeat and stores one summary in one
`BatchRun` row. What a child must rebuild (executors, locks whose threads stayed in the parent) is
registered with `unse.core.process` and rebuilt at the fork.

Fork (not spawn) on purpose: a child starts in milliseconds with the parent's configuration (settings,
database name, imported code, copy-on-write memory) — before forking the parent closes its database
connections and pools and has no thread and no event loop running. A child whose parent disappears
(kill -9) exits within a second, so a killed run never keeps writing behind its rerun's back.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import multiprocessing
import os
import queue as queue_module
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.context import ForkProcess
from multiprocessing.queues import Queue
from typing import Any

from django.db import DatabaseError, connections

from unse.fortunes.batch.progress import ProgressReporter
from unse.fortunes.batch.runs import batch_run_heartbeat
from unse.fortunes.batch.summary import BatchCounters
from unse.fortunes.selectors import daily_target_id_pages

logger = logging.getLogger(__name__)

# Ids per query while splitting the targets (ids only: 10,000 integers per page).
SPLIT_PAGE_SIZE = 10_000
# A child sends its tally at most this often; the parent redraws the progress at the same pace.
PROGRESS_SECONDS = 0.5
PARENT_CHECK_SECONDS = 1.0

Message = tuple[str, int, Any]


@dataclass(frozen=True, slots=True)
class IdRange:
    """Targets first_id ≤ id ≤ last_id; `last_id=None` for the last range (it also takes targets that
    appear while the run is being planned)."""

    first_id: int
    last_id: int | None
    count: int


def split_targets(*, processes: int, total: int, user_id: int | None, limit: int | None) -> list[IdRange]:
    """At most `processes` ranges of ~total/processes targets each (fewer when there are fewer targets)."""
    if total <= 0:
        return []
    per = math.ceil(total / max(1, processes))
    ranges: list[IdRange] = []
    first: int | None = None
    last = 0
    count = 0
    seen = 0
    for page in daily_target_id_pages(page_size=SPLIT_PAGE_SIZE, user_id=user_id):
        for pk in page:
            if limit is not None and seen >= limit:
                break
            seen += 1
            if first is None:
                first = pk
            last = pk
            count += 1
            if count == per and len(ranges) < processes - 1:
                ranges.append(IdRange(first, pk, count))
                first, count = None, 0
    if first is not None:
        ranges.append(IdRange(first, last if limit is not None else None, count))
    return ranges


@dataclass(slots=True)
class ProgressBoard:
    """The latest tally of every process of one run (the parent's own engine and its children)."""

    own: BatchCounters = field(default_factory=BatchCounters)
    children: dict[int, dict[str, Any]] = field(default_factory=dict)
    finished: dict[int, float] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    def receive(self, message: Message) -> None:
        kind, index, payload = message
        if kind == "progress":
            self.children[index] = payload
        elif kind == "final":
            snapshot, elapsed = payload
            self.children[index] = snapshot
            self.finished[index] = elapsed
        elif kind == "error":
            self.errors[index] = str(payload)

    def merged(self) -> BatchCounters:
        return BatchCounters.merged([self.own, *self.children.values()])


class Monitor(threading.Thread):
    """The parent's helper thread: drains the children's messages, redraws the progress and writes the
    run's heartbeat (with the merged tally) every `heartbeat_seconds`."""

    def __init__(
        self,
        *,
        run_id: int,
        board: ProgressBoard,
        reporter: ProgressReporter,
        messages: Queue[Message] | None,
        heartbeat_seconds: float,
    ) -> None:
        super().__init__(name="batch-monitor", daemon=True)
        self._run_id = run_id
        self._board = board
        self._reporter = reporter
        self._messages = messages
        self._heartbeat_seconds = heartbeat_seconds
        self._stopping = threading.Event()

    def _drain(self, timeout: float) -> None:
        if self._messages is None:
            self._stopping.wait(timeout)
            return
        try:
            self._board.receive(self._messages.get(timeout=timeout))
            while True:
                self._board.receive(self._messages.get_nowait())
        except queue_module.Empty:
            return

    def _heartbeat(self) -> None:
        try:
            batch_run_heartbeat(run_id=self._run_id, counters=self._board.merged())
        except DatabaseError:
            logger.warning("daily fortunes: heartbeat of run %s failed", self._run_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connection only (connections are per thread)

    def run(self) -> None:
        next_beat = time.monotonic() + self._heartbeat_seconds
        while not self._stopping.is_set():
            self._drain(PROGRESS_SECONDS)
            self._reporter.update(self._board.merged())
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + self._heartbeat_seconds
                self._heartbeat()
        self._drain(0.0)

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def release_database_for_fork() -> None:
    """No connection, pool or pool thread may cross a fork: the children open their own."""
    connections.close_all()
    for connection in connections.all(initialized_only=True):
        pools = getattr(connection, "_connection_pools", None)
        close_pool = getattr(connection, "close_pool", None)
        if pools is not None and connection.alias in pools and close_pool is not None:
            close_pool()


def fork_children(
    count: int, target: Callable[[int, Queue[Message]], None]
) -> tuple[list[ForkProcess], Queue[Message] | None]:
    """Start `count` children running `target(index, messages)` (index 1..count; 0 is the parent)."""
    if count <= 0:
        return [], None
    context = multiprocessing.get_context("fork")
    messages: Queue[Message] = context.Queue()
    release_database_for_fork()
    # Move everything imported so far out of the collector's reach: a GC pass in a child would write to
    # every tracked object's header and un-share (copy) the parent's pages; frozen objects stay shared.
    gc.collect()
    gc.freeze()
    children = [
        context.Process(target=target, args=(index, messages), name=f"batch-{index}", daemon=False)
        for index in range(1, count + 1)
    ]
    for child in children:
        child.start()
    return children, messages


def stop_children(children: list[ForkProcess]) -> None:
    for child in children:
        if child.is_alive():
            child.kill()
    for child in children:
        child.join()


class ChildChannel:
    """A child's side of the queue: throttled progress, the final tally, or the error that ended it."""

    def __init__(self, index: int, messages: Queue[Message]) -> None:
        self.index = index
        self._messages = messages
        self._last = 0.0

    def progress(self, counters: BatchCounters) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self._messages.put(("progress", self.index, counters.snapshot()))

    def final(self, counters: BatchCounters, elapsed: float) -> None:
        self._messages.put(("final", self.index, (counters.snapshot(), elapsed)))

    def error(self, error: BaseException) -> None:
        self._messages.put(("error", self.index, f"{type(error).__name__}: {error}"[:500]))


async def exit_with_parent(parent_pid: int) -> None:
    """Runs beside a child's engine: when the parent is gone (kill -9), stop at once like it did."""
    while True:
        await asyncio.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent_pid:
            logger.error(
                "daily fortunes: the parent process %s is gone, worker %s stops", parent_pid, os.getpid()
            )
            os._exit(1)
