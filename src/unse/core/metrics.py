"""Prometheus metrics: request counts and latency now; other parts add their own metrics with
`prometheus_client` directly (they land in the same default registry).

Several uvicorn workers: set PROMETHEUS_MULTIPROC_DIR (scripts/serve.sh does, to an emptied folder)
before the workers start; `/metrics` then aggregates every worker's files. Files of workers that
died are collected once at start-up of each new worker, so their live gauges stop counting.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

HTTP_REQUESTS = Counter(
    "unse_http_requests_total",
    "HTTP requests answered, by method, route pattern and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "unse_http_request_duration_seconds",
    "Time to the response headers (streams: not including the streamed body), by method and route.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "unse_http_requests_in_progress",
    "Requests being handled now (streams count until their headers are sent).",
    multiprocess_mode="livesum",
)


def multiprocess_dir() -> str | None:
    # The lower-case name is prometheus_client's older spelling, still honoured by the library.
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")  # noqa: SIM112


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def collect_dead_workers() -> list[int]:
    """uvicorn has no child-exit hook, so each worker cleans up after dead siblings at start-up."""
    directory = multiprocess_dir()
    if not directory:
        return []
    dead: set[int] = set()
    for path in Path(directory).glob("gauge_live*_*.db"):
        try:
            pid = int(path.stem.rsplit("_", 1)[1])
        except (IndexError, ValueError):
            continue
        if not _pid_alive(pid):
            dead.add(pid)
    for pid in dead:
        multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
    return sorted(dead)


def render_metrics() -> tuple[bytes, str]:
    directory = multiprocess_dir()
    if directory:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    # Unknown methods share one label so a scanner cannot grow the series without bound.
    method = method if method in _KNOWN_METHODS else "OTHER"
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(seconds)
