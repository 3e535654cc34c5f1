"""Progress reporting: a rich progress bar on a terminal, periodic log lines otherwise (cron, Celery)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import IO, Protocol, cast

from django.core.management.base import OutputWrapper
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from unse.fortunes.batch.summary import BatchCounters

logger = logging.getLogger(__name__)


class ProgressReporter(Protocol):
    def start(self, total: int | None) -> None: ...

    def update(self, counters: BatchCounters) -> None: ...

    def stop(self, counters: BatchCounters) -> None: ...


class BarProgress:
    def __init__(self, stream: IO[str] | OutputWrapper) -> None:
        self._progress = Progress(
            TextColumn("[bold]운세 생성"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("실패 {task.fields[failed]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=cast(IO[str], stream)),  # Django's OutputWrapper is a text stream
            transient=False,
        )
        self._task = self._progress.add_task("batch", total=None, failed=0)

    def start(self, total: int | None) -> None:
        self._progress.update(self._task, total=total)
        self._progress.start()

    def update(self, counters: BatchCounters) -> None:
        self._progress.update(self._task, completed=counters.processed, failed=counters.failed)

    def stop(self, counters: BatchCounters) -> None:
        self.update(counters)
        self._progress.stop()


class LogProgress:
    def __init__(
        self,
        *,
        every_seconds: float,
        emit: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._every = every_seconds
        self._emit = emit or logger.info
        self._clock = clock
        self._started = clock()
        self._last = self._started
        self._total: int | None = None

    def start(self, total: int | None) -> None:
        self._total = total
        self._started = self._last = self._clock()
        self._emit(f"운세 배치 시작: 대상 {total if total is not None else '?'}명")

    def _line(self, counters: BatchCounters) -> str:
        elapsed = max(self._clock() - self._started, 1e-9)
        total = f"/{self._total:,}" if self._total is not None else ""
        return (
            f"운세 배치 진행: {counters.processed:,}{total} (생성 {counters.done:,}, 건너뜀 {counters.skipped:,}, "
            f"실패 {counters.failed:,}) {counters.processed / elapsed:,.1f}명/초"
        )

    def update(self, counters: BatchCounters) -> None:
        now = self._clock()
        if now - self._last >= self._every:
            self._last = now
            self._emit(self._line(counters))

    def stop(self, counters: BatchCounters) -> None:
        self._emit(self._line(counters))


def progress_for(
    stream: IO[str] | OutputWrapper, *, every_seconds: float, emit: Callable[[str], None] | None = None
) -> ProgressReporter:
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return BarProgress(stream)
    return LogProgress(every_seconds=every_seconds, emit=emit)
