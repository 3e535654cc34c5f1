"""Rolling restart under steady load (issue 10, scenario 3): two instances behind the repo's nginx config.

    flock /tmp/bench.lock .venv/bin/python bench/rolling_restart.py              # full: 2 rolls of A and B
    flock /tmp/bench.lock .venv/bin/python bench/rolling_restart.py --baseline   # + the setup as it was before
    flock /tmp/bench.lock .venv/bin/python bench/rolling_restart.py --rolls 1 --json-clients 3 --stream-clients 2   # quick

It starts on loopback: the fake LLM (`python -m tools.fakellm`), a private redis-server, two service
instances A and B (`scripts/serve.sh`: uvicorn, `WEB_CONCURRENCY` workers each, production settings) on one
PostgreSQL database (default: `unse_bench_restart` created on the machine's server at 127.0.0.1:5432 and
dropped at the end; `--database-url` to use another), and Debian's nginx running deploy/nginx.conf rendered
for both instances by deploy/render_nginx.py. Steady load goes through nginx: JSON clients (GET /health/,
POST /api/v1/charts, a cached reading, an uncached reading) and SSE clients (POST /api/v1/readings/stream,
a distinct birth each, a few seconds each). Then it rolls, one instance at a time, as docs/deploy.md says:
drain (the drain file: /ready/ 503), wait, SIGTERM, wait for the exit (in-flight streams finish), start
again, wait for /ready/ 200 and for nginx to send it traffic again; A, then B, `--rolls` times.

Counted: failed requests (transport errors and any non-2xx except 429), cut streams (a 200 stream that
ended without its `done` event), streams that ended with an `error` event, totals and latency per kind,
and how many upstream connection failures nginx absorbed (its error log). Every child runs in its own
process group and is killed in `finally`. `--baseline` first runs the same rolls as the repo was before
(nginx `proxy_next_upstream error timeout;`, and `SIGTERM_REFUSE_CONNECTIONS=false`: a stopping 2-worker
instance kept accepting connections) to show what the current setup fixes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HEADERS = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
OLD_NEXT_UPSTREAM = "proxy_next_upstream error timeout;"
_START_TIMEOUT = 90.0


def _render_module() -> Any:
    spec = importlib.util.spec_from_file_location("unse_render_nginx", ROOT / "deploy" / "render_nginx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kill_group(process: subprocess.Popen[Any] | None) -> None:
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_http(
    url: str, *, status: int, timeout: float, process: subprocess.Popen[Any] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == status:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer {status} within {timeout:.0f} s")


def birth(index: int) -> dict[str, Any]:
    """A distinct birth per index: a different reading (cache key) each, all born before today (the engine
    refuses a reading for someone not yet born)."""
    day, month, year = 1 + index % 28, 1 + (index // 28) % 12, 1900 + (index // 336) % 120
    hour = (index // 67200) % 24
    return {"datetime": f"{year}-{month:02d}-{day:02d}T{hour:02d}:30", "timezone": "Asia/Seoul"}


# --- the processes -------------------------------------------------------------------------------------


@dataclass
class Instance:
    name: str
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    restarts: list[dict[str, Any]] = field(default_factory=list)
    epoch: float = field(default_factory=time.monotonic)

    @property
    def drain_file(self) -> Path:
        return self.workdir / f"drain-{self.name}"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        env = {
            **self.env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DRAIN_FILE": str(self.drain_file),
            "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / f"prometheus-{self.name}"),
        }
        self.starts += 1
        log = (self.workdir / f"app-{self.name}-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        _wait_http(self.url("/ready/"), status=200, timeout=_START_TIMEOUT, process=self.process)

    def api_requests(self) -> float:
        """Requests this instance answered on /api/ routes (its /metrics, all workers)."""
        text = httpx.get(self.url("/metrics"), timeout=5).text
        total = 0.0
        for line in text.splitlines():
            if line.startswith("unse_http_requests_total{") and 'route="api/' in line:
                total += float(line.rsplit(" ", 1)[1])
        return total

    def roll(self, drain_wait: float, graceful_timeout: float) -> None:
        """docs/deploy.md "Rolling restart": drain, wait, SIGTERM, wait for exit, start, wait until in rotation."""
        assert self.process is not None
        began = time.monotonic()
        self.drain_file.touch()  # = `make drain` / `manage.py drain on` on this instance
        ready = httpx.get(self.url("/ready/"), timeout=5)
        if ready.status_code != 503 or ready.json().get("status") != "draining":
            raise RuntimeError(
                f"{self.name}: drain did not flip /ready/: {ready.status_code} {ready.text[:200]}"
            )
        time.sleep(drain_wait)
        stop_at = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=graceful_timeout + 30)
        stopped = time.monotonic()
        self.drain_file.unlink()  # = `make undrain` (a new container starts without the file anyway)
        self.start()
        ready_at = time.monotonic()
        baseline = self.api_requests()
        deadline = time.monotonic() + 30
        while self.api_requests() < baseline + 3:  # nginx retries a failed peer after its fail_timeout
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: nginx sent it no traffic within 30 s of ready")
            time.sleep(0.2)
        self.restarts.append(
            {
                "instance": self.name,
                "began_s": round(began - self.epoch, 1),
                "exit_code": code,
                "sigterm_to_exit_s": round(stopped - stop_at, 2),
                "start_to_ready_s": round(ready_at - stopped, 2),
                "ready_to_traffic_s": round(time.monotonic() - ready_at, 2),
                "total_s": round(time.monotonic() - began, 2),
            }
        )

    def stop(self) -> None:
        _kill_group(self.process)


@dataclass
class Nginx:
    workdir: Path
    upstreams: list[str]
    old_directive: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        root = self.workdir / "nginx"
        root.mkdir(exist_ok=True)
        site = _render_module().render(self.upstreams, self.port)
        if self.old_directive:
            start = site.index("proxy_next_upstream error timeout non_idempotent;")
            end = site.index("proxy_next_upstream_timeout 5s;") + len("proxy_next_upstream_timeout 5s;")
            site = site[:start] + OLD_NEXT_UPSTREAM + site[end:]
        (root / "site.conf").write_text(site.replace("/var/log/nginx/access.log", f"{root}/access.log"))
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        # What /etc/nginx/nginx.conf is around the site config in a real install (as tests/integration/test_nginx.py).
        (root / "nginx.conf").write_text(
            f"""daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/site.conf;
}}
"""
        )
        check = subprocess.run([binary, "-t", "-c", str(root / "nginx.conf")], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(check.stderr)
        self.process = subprocess.Popen(
            [binary, "-c", str(root / "nginx.conf")], stderr=subprocess.DEVNULL, start_new_session=True
        )
        _wait_http(f"http://127.0.0.1:{self.port}/nginx-health", status=200, timeout=15, process=self.process)

    def error_counts(self) -> dict[str, int]:
        log = (self.workdir / "nginx" / "error.log").read_text(errors="replace")
        patterns = {
            "connect_refused": "connect() failed (111",
            "upstream_closed": "upstream prematurely closed",
            "reset_by_peer": "reset by peer",
            "no_live_upstreams": "no live upstreams",
            "upstream_timed_out": "upstream timed out",
        }
        return {name: log.count(pattern) for name, pattern in patterns.items()}

    def stop(self) -> None:
        _kill_group(self.process)


# --- the load --------------------------------------------------------------------------------------------


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    counts: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    refused_429: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    streams_started: int = 0
    streams_complete: int = 0
    streams_cut: int = 0
    streams_error_event: int = 0
    stream_ttfb: list[float] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float, status: int | None, detail: str = "") -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.latencies.setdefault(kind, []).append(seconds)
        if status == 429:
            self.refused_429 += 1
        elif status is None or not 200 <= status < 300:
            key = f"{kind}:{status if status is not None else detail}"
            self.failures[key] = self.failures.get(key, 0) + 1
            if len(self.samples) < 10:
                self.samples.append(f"{key} {detail}"[:300])

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


class Load:
    """Steady load through nginx until `stop` is set; every client finishes the request it is in."""

    CACHED = [birth(900_000 + i) for i in range(4)]

    def __init__(self, base: str, json_clients: int, stream_clients: int, seed: int = 7) -> None:
        self.base = base
        self.json_clients = json_clients
        self.stream_clients = stream_clients
        self.stats = Stats()
        self.stop = asyncio.Event()
        self._ids = itertools.count(seed * 1_000_000 % 600_000)
        self._random = random.Random(seed)

    async def _json_client(self, client: httpx.AsyncClient) -> None:
        kinds = ["health", "chart", "chart", "reading_cached", "reading_cached", "reading_uncached"]
        while not self.stop.is_set():
            kind = self._random.choice(kinds)
            if kind == "health":
                method, path, body = "GET", "/health/", None
            elif kind == "chart":
                method, path, body = "POST", "/api/v1/charts", {"birth": birth(next(self._ids))}
            elif kind == "reading_cached":
                method, path, body = "POST", "/api/v1/readings", {"birth": self._random.choice(self.CACHED)}
            else:
                method, path, body = "POST", "/api/v1/readings", {"birth": birth(next(self._ids))}
            began = time.monotonic()
            try:
                response = await client.request(method, self.base + path, json=body, headers=HEADERS)
                detail = "" if response.status_code < 300 else response.text[:200]
                self.stats.record(kind, time.monotonic() - began, response.status_code, detail)
            except httpx.HTTPError as exc:
                self.stats.record(kind, time.monotonic() - began, None, type(exc).__name__ + f" {exc}")

    async def _stream_client(self, client: httpx.AsyncClient) -> None:
        while not self.stop.is_set():
            body = {"birth": birth(next(self._ids))}
            began = time.monotonic()
            self.stats.streams_started += 1
            events: list[str] = []
            try:
                async with client.stream(
                    "POST",
                    self.base + "/api/v1/readings/stream",
                    json=body,
                    headers={**HEADERS, "Accept": "text/event-stream"},
                ) as response:
                    if response.status_code != 200:
                        await response.aread()
                        self.stats.record(
                            "stream", time.monotonic() - began, response.status_code, response.text[:200]
                        )
                        continue
                    first = True
                    async for line in response.aiter_lines():
                        if first:
                            self.stats.stream_ttfb.append(time.monotonic() - began)
                            first = False
                        if line.startswith("event:"):
                            events.append(line[6:].strip())
                self.stats.record("stream", time.monotonic() - began, 200)
            except httpx.HTTPError as exc:
                self.stats.record("stream", time.monotonic() - began, None, type(exc).__name__ + f" {exc}")
            if "done" in events:
                self.stats.streams_complete += 1
            elif "error" in events:
                self.stats.streams_error_event += 1
            else:
                self.stats.streams_cut += 1

    async def run(self) -> None:
        limits = httpx.Limits(max_connections=self.json_clients + self.stream_clients + 4)
        timeout = httpx.Timeout(120.0, connect=10.0)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            tasks = [self._json_client(client) for _ in range(self.json_clients)]
            tasks += [self._stream_client(client) for _ in range(self.stream_clients)]
            await asyncio.gather(*tasks)

    def summary(self) -> dict[str, Any]:
        s = self.stats
        elapsed = time.monotonic() - s.started
        total = sum(s.counts.values())
        return {
            "requests": total,
            "requests_per_s": round(total / elapsed, 1) if elapsed else 0.0,
            "failed": s.failed,
            "failures": s.failures,
            "failure_samples": s.samples,
            "refused_429": s.refused_429,
            "streams": {
                "started": s.streams_started,
                "complete": s.streams_complete,
                "cut": s.streams_cut,
                "error_event": s.streams_error_event,
                "ttfb_ms_p50": _pct(s.stream_ttfb, 0.5),
                "ttfb_ms_p99": _pct(s.stream_ttfb, 0.99),
            },
            "latency_ms": {
                kind: {"n": len(v), "p50": _pct(v, 0.5), "p99": _pct(v, 0.99), "max": _pct(v, 1.0)}
                for kind, v in sorted(s.latencies.items())
            },
        }


# --- the scenario ------------------------------------------------------------------------------------


@dataclass
class Config:
    rolls: int = 2
    workers: int = 2
    json_clients: int = 8
    stream_clients: int = 4
    tokens: int = 40
    tps: float = 15.0
    drain_wait: float = 2.0
    warmup: float = 3.0
    graceful_timeout: float = 60.0
    database_url: str | None = None
    baseline: bool = False  # the repo before issue 10 scenario 3: old nginx directive, old SIGTERM


@contextlib.contextmanager
def bench_database(url: str | None, workdir: Path) -> Iterator[str]:
    """The given database, or `unse_bench_restart` created on the machine's server (dropped at the end)."""
    if url:
        yield url
        return
    name = "unse_bench_restart"
    admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


@contextlib.contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            != "PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("private redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _kill_group(process)


@contextlib.contextmanager
def fake_llm(tokens: int, tps: float) -> Iterator[int]:
    process = subprocess.Popen(
        [PYTHON, "-m", "tools.fakellm", "--port", "0", "--tokens", str(tokens), "--tps", str(tps)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError(f"fake LLM did not start: {line!r}")
        yield int(line.split()[1])
    finally:
        _kill_group(process)


def app_env(
    database_url: str, redis_url: str, llm_port: int, workers: int, graceful: float
) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "RATE_LIMIT_", "AI_", "DB_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY="bench-only-secret-key-0123456789abcdef",  # noqa: S106 - throwaway bench server
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DB_POOL_MIN="2",  # warm before traffic (docs/reliability.md scenario 5, finding 2)
        DB_POOL_MAX="4",  # 2 instances x workers x 4 connections on a shared server
        WEB_CONCURRENCY=str(workers),
        GRACEFUL_TIMEOUT=str(int(graceful)),
        LLM_BASE_URL=f"http://127.0.0.1:{llm_port}/v1",
        LLM_API_KEY="bench",
        LLM_MODEL="fake-model",
        LLM_FIRST_TOKEN_TIMEOUT="10",  # noqa: S106 - not a secret
        LLM_TOTAL_TIMEOUT="120",
        RATE_LIMIT_ANON="",
        RATE_LIMIT_USER="",
        RATE_LIMIT_ANON_GLOBAL="",
        AI_DAILY_TOKEN_BUDGET="0",  # noqa: S106 - not a secret
        AI_MAX_STREAMS_PER_WORKER="100000",
        AI_MAX_STREAMS_PER_CLIENT="100000",  # one loopback address plays every user
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


async def _roll_all(instances: list[Instance], config: Config, load: Load) -> None:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(config.warmup)
    try:
        for _ in range(config.rolls):
            for instance in instances:
                await loop.run_in_executor(None, instance.roll, config.drain_wait, config.graceful_timeout)
        await asyncio.sleep(config.warmup)
    finally:
        load.stop.set()


async def _scenario(instances: list[Instance], nginx: Nginx, config: Config) -> Load:
    load = Load(f"http://127.0.0.1:{nginx.port}", config.json_clients, config.stream_clients)
    await asyncio.gather(load.run(), _roll_all(instances, config, load))
    return load


def run(config: Config, workdir: Path | None = None) -> dict[str, Any]:
    """Start everything, roll, stop everything; the report (counts, latencies, restarts)."""
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="unse-rolling-")) if workdir is None else workdir
    instances: list[Instance] = []
    nginx: Nginx | None = None
    try:
        with (
            bench_database(config.database_url, work) as database_url,
            private_redis(work) as redis_url,
            fake_llm(config.tokens, config.tps) as llm_port,
        ):
            env = app_env(database_url, redis_url, llm_port, config.workers, config.graceful_timeout)
            if config.baseline:
                env["SIGTERM_REFUSE_CONNECTIONS"] = "false"  # uvicorn's own SIGTERM (unse.core.drain)
            migrate = subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if migrate.returncode != 0:
                raise RuntimeError(migrate.stderr)
            instances = [Instance("A", env, work), Instance("B", env, work)]
            for instance in instances:
                instance.start()
            nginx = Nginx(work, [f"127.0.0.1:{i.port}" for i in instances], old_directive=config.baseline)
            nginx.start()
            began = time.monotonic()
            load = asyncio.run(_scenario(instances, nginx, config))
            report = load.summary()
            report.update(
                seconds=round(time.monotonic() - began, 1),
                restarts=sorted((r for i in instances for r in i.restarts), key=lambda r: r["began_s"]),
                nginx_errors=nginx.error_counts(),
                variant=(
                    f"baseline: nginx `{OLD_NEXT_UPSTREAM}`, SIGTERM_REFUSE_CONNECTIONS=false"
                    if config.baseline
                    else "deploy/nginx.conf, scripts/serve.sh as they are"
                ),
            )
            return report
    finally:
        if nginx is not None:
            nginx.stop()
        for instance in instances:
            instance.stop()
        if own:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    defaults = Config()
    parser.add_argument("--rolls", type=int, default=defaults.rolls, help="times each instance is restarted")
    parser.add_argument("--workers", type=int, default=defaults.workers, help="uvicorn workers per instance")
    parser.add_argument("--json-clients", type=int, default=defaults.json_clients)
    parser.add_argument("--stream-clients", type=int, default=defaults.stream_clients)
    parser.add_argument("--tokens", type=int, default=defaults.tokens, help="fake LLM tokens per answer")
    parser.add_argument("--tps", type=float, default=defaults.tps, help="fake LLM tokens per second")
    parser.add_argument(
        "--drain-wait", type=float, default=defaults.drain_wait, help="seconds from drain to SIGTERM"
    )
    parser.add_argument("--database-url", default=None, help="default: unse_bench_restart on 127.0.0.1:5432")
    parser.add_argument(
        "--baseline", action="store_true", help="first run the setup as it was before (see above)"
    )
    parser.add_argument("--keep-workdir", action="store_true", help="keep logs (printed path)")
    args = parser.parse_args()
    config = Config(
        rolls=args.rolls,
        workers=args.workers,
        json_clients=args.json_clients,
        stream_clients=args.stream_clients,
        tokens=args.tokens,
        tps=args.tps,
        drain_wait=args.drain_wait,
        database_url=args.database_url,
    )
    runs = [Config(**{**config.__dict__, "baseline": True})] if args.baseline else []
    runs.append(config)
    failed = 0
    for one in runs:
        workdir = Path(tempfile.mkdtemp(prefix="unse-rolling-")) if args.keep_workdir else None
        report = run(one, workdir)
        if workdir is not None:
            report["workdir"] = str(workdir)
        print(json.dumps(report, ensure_ascii=False, indent=2), flush=True)
        if not one.baseline:
            failed = report["failed"] + report["streams"]["cut"] + report["streams"]["error_event"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
