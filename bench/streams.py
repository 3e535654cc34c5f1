"""AI stream relay benchmark (issue 4, Performance): the readings stream vs a naive relay.

    .venv/bin/python bench/streams.py                       # both targets, defaults below
    .venv/bin/python bench/streams.py --targets naive --fixed 150 --ladder 100,150,200
    .venv/bin/python bench/streams.py --settings prod --db postgres://postgres@127.0.0.1:5432/unse_bench_streams \
        --fixed 400 --burst 300 --slow 1000 --ladder ""      # the headline run (BENCHMARKS.md)

Layout: ONE service worker (uvicorn, uvloop + httptools; the service runs scripts/serve.sh's protocol, the
naive relay uvicorn's own) pinned with taskset to `--server-core`; the fake LLM (`python -m tools.fakellm`)
and this load generator pinned to `--client-core`. Provider profile: one
token per upstream chunk, `--tokens` tokens at `--tps` tokens/s after `--ttft`.

Per target it reports
- server CPU-seconds per 1,000 relayed tokens at a fixed load (`--fixed` open streams, steady state,
  tokens counted by the fake LLM over the same window);
- memory per open stream ((RSS at `--fixed` streams - RSS idle) / streams);
- the largest N of `--ladder` with p99 time to first delta < 1 s, p99 gap between events < 500 ms and
  zero errors (a ladder stops at its first failing N);
- with `--burst N`: N streams that arrive at once (no ramp), their p50/p99 time to the first delta, to the
  first event of any name (the service's `meta`, which carries the chart; the naive relay's first delta),
  and the server CPU per stream (CPU of the burst window / N: request handling, chart, prompt, lookups, INSERT and
  the first tokens);
- with `--slow N`: memory per open stream with N slow streams (`--slow-tps`, default 2 tok/s), on a fresh
  server of its own (`--fixed 0` and no `--burst`: this phase alone).
`--settings prod|dev` picks the service's settings module; `--db sqlite` (a fresh file under var/) or
`--db postgres://user@host:port/name`: the database `name` is DROPPED and created afresh, so give the bench
its own name.
Targets: `naive` = bench/naive_relay (AsyncOpenAI, one SSE event per chunk, StreamingHttpResponse);
`readings` = the service's `POST /api/v1/readings/stream` (prod settings, in-process limiter state,
rate limits and budget off so every request is a distinct uncached AI call).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psutil
from cryptography.fernet import Fernet

from streams_load import LoadStats, percentile, run_load

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STREAM_PATH = "/api/v1/readings/stream"
CHILDREN: list[subprocess.Popen[Any]] = []  # stopped in main() whatever happens
SERVICE_HTTP = "unse.core.http_protocol:LeanHttpToolsProtocol"  # scripts/serve.sh's --http
TTFT_P99_LIMIT = 1.0
GAP_P99_LIMIT = 0.5


@dataclass
class PhaseResult:
    streams: int
    stats: LoadStats
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    window: float = 0.0
    tokens: int = 0
    rss_idle: int = 0
    rss_mid: int = 0  # at half the ramp: about half of the streams open
    rss_load: int = 0

    @property
    def ttft_p99(self) -> float:
        return percentile(self.stats.ttft, 0.99)

    @property
    def gap_p99(self) -> float:
        return percentile(self.stats.gaps, 0.99)

    @property
    def ok(self) -> bool:
        return (
            self.stats.errors == 0
            and self.stats.completed > 0
            and self.ttft_p99 < TTFT_P99_LIMIT
            and self.gap_p99 < GAP_P99_LIMIT
        )

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "streams": self.streams,
            "started": self.stats.started,
            "completed": self.stats.completed,
            "errors": self.stats.errors,
            "error_kinds": self.stats.error_kinds,
            "deltas": self.stats.deltas,
            "ttft_p50": round(percentile(self.stats.ttft, 0.5), 3),
            "ttft_p99": round(self.ttft_p99, 3),
            "gap_p50": round(percentile(self.stats.gaps, 0.5), 3),
            "gap_p99": round(self.gap_p99, 3),
            "pass": self.ok,
        }
        if self.tokens:
            data.update(
                window_s=round(self.window, 1),
                tokens=self.tokens,
                server_cpu_s=round(self.server_cpu, 2),
                server_core_busy=round(self.server_cpu / self.window, 2),
                client_core_busy=round(self.client_cpu / self.window, 2),
                cpu_s_per_1000_tokens=round(1000 * self.server_cpu / self.tokens, 4),
                rss_idle_mib=round(self.rss_idle / 2**20, 1),
                rss_load_mib=round(self.rss_load / 2**20, 1),
                kib_per_stream=round((self.rss_load - self.rss_idle) / 1024 / self.streams, 1),
                # Growth from half to all of the streams: what one more open stream costs, without the
                # one-time allocations of the first streams (a heap grown by an earlier, bigger phase
                # hides growth: memory phases run on a fresh server, see bench_target).
                kib_per_stream_marginal=round(
                    (self.rss_load - self.rss_mid) / 1024 / (self.streams - self.streams // 2), 1
                ),
            )
        return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _http_get_json(port: int, path: str) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    raw = await reader.read()
    writer.close()
    return dict(json.loads(raw.split(b"\r\n\r\n", 1)[1]))


def _body_naive(index: int) -> bytes:
    return json.dumps({"question": f"사주 풀이 {index}"}).encode()


BIRTH_EPOCH = datetime(1940, 1, 1, 0, 0, tzinfo=UTC)  # only formatted as a wall-clock string
BIRTH_SPAN_MINUTES = 60 * 24 * 365 * 70


def _body_readings(index: int) -> bytes:
    # A distinct birth minute per request: no cache hit and no single-flight sharing, every stream is
    # its own AI call.
    born = BIRTH_EPOCH + timedelta(minutes=(7 * index) % BIRTH_SPAN_MINUTES)
    birth = {"datetime": born.strftime("%Y-%m-%dT%H:%M"), "timezone": "Asia/Seoul", "gender": "female"}
    return json.dumps({"birth": birth, "kind": "saju", "topic": "general", "mode": "plain"}).encode()


TARGETS = {
    "naive": {"app": "bench.naive_relay.asgi:application", "body": _body_naive, "http": "httptools"},
    "readings": {"app": "config.asgi:application", "body": _body_readings, "http": SERVICE_HTTP},
}


def _database_url(db: str, workdir: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{workdir / 'bench-streams.sqlite3'}"
    if not db.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"--db: sqlite or a postgres:// URL, got {db!r}")
    return db


def _fresh_database(url: str, workdir: Path) -> None:
    if url.startswith("sqlite:"):
        (workdir / "bench-streams.sqlite3").unlink(missing_ok=True)
        return
    import psycopg  # only for the PostgreSQL mode
    from psycopg import sql

    parsed = urlsplit(url)
    name = parsed.path.lstrip("/")
    admin = urlunsplit(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _target_env(target: str, llm_port: int, workdir: Path, settings: str, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "RATE_LIMIT_", "AI_"))}
    env.update(PYTHONPATH=f"{ROOT}:{ROOT / 'src'}", LLM_BASE_URL=f"http://127.0.0.1:{llm_port}/v1")
    if target == "naive":
        env["DJANGO_SETTINGS_MODULE"] = "bench.naive_relay.settings"
        return env
    env.update(
        DJANGO_SETTINGS_MODULE=f"config.settings.{settings}",
        SECRET_KEY="bench-only-secret-key-0123456789abcdef",  # noqa: S106 - throwaway bench server
        SECURE_SSL_REDIRECT="false",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=db,
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
    )
    env.pop("REDIS_URL", None)
    return env


class Server:
    def __init__(self, target: str, llm_port: int, args: argparse.Namespace, workdir: Path) -> None:
        self.target = target
        self.port = _free_port()
        db = _database_url(args.db, workdir)
        self.env = _target_env(target, llm_port, workdir, args.settings, db)
        self.log = (workdir / f"bench-streams-{target}.log").open("w")
        core = args.server_core
        if target == "readings":
            _fresh_database(db, workdir)
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=self.env, check=True
            )
        self.process = subprocess.Popen(
            [
                "taskset",
                "-c",
                str(core),
                PYTHON,
                "-m",
                "uvicorn",
                TARGETS[target]["app"],
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--loop",
                "uvloop",
                "--http",
                TARGETS[target]["http"],
                "--no-access-log",
                "--log-level",
                "warning",
                "--backlog",
                "4096",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        CHILDREN.append(self.process)
        self.ps = psutil.Process(self.process.pid)

    async def wait_ready(self) -> None:
        for _ in range(1200):  # up to 2 minutes: a traced or cold server imports slowly
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            break
        else:
            raise RuntimeError(f"{self.target} server did not start")
        # The first request imports the view's modules (seconds on a busy host): wait for one stream.
        stats = await run_load(
            host="127.0.0.1",
            port=self.port,
            path=STREAM_PATH,
            body_for=TARGETS[self.target]["body"],
            streams=1,
            ramp=0.0,
            duration=120.0,
            stop_after_first=True,
        )
        if not stats.deltas:
            raise RuntimeError(f"{self.target} server streams nothing: {stats}")

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def rss(self) -> int:
        return int(self.ps.memory_info().rss)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


async def phase(
    server: Server,
    fake: psutil.Process,
    llm_port: int,
    streams: int,
    ramp: float,
    steady: float,
    measure: bool,
) -> PhaseResult:
    result = PhaseResult(streams=streams, stats=LoadStats())
    me = psutil.Process()
    result.rss_idle = server.rss()

    async def sample() -> None:
        await asyncio.sleep(ramp / 2)
        result.rss_mid = server.rss()
        await asyncio.sleep(ramp / 2)
        cpu0, tokens0, t0 = (
            server.cpu(),
            (await _http_get_json(llm_port, "/_stats"))["tokens_sent"],
            time.monotonic(),
        )
        client0 = sum(p.cpu_times().user + p.cpu_times().system for p in (me, fake))
        await asyncio.sleep(max(1.0, steady - 1.0))
        result.server_cpu = server.cpu() - cpu0
        result.tokens = (await _http_get_json(llm_port, "/_stats"))["tokens_sent"] - tokens0
        result.window = time.monotonic() - t0
        result.client_cpu = sum(p.cpu_times().user + p.cpu_times().system for p in (me, fake)) - client0
        result.rss_load = server.rss()

    sampler = asyncio.create_task(sample()) if measure else None
    result.stats = await run_load(
        host="127.0.0.1",
        port=server.port,
        path=STREAM_PATH,
        body_for=TARGETS[server.target]["body"],
        streams=streams,
        ramp=ramp,
        duration=ramp + steady,
    )
    if sampler is not None:
        await sampler
    await asyncio.sleep(3)  # let the server notice the aborted streams before the next phase
    return result


async def _control(port: int, scenario: dict[str, Any]) -> None:
    body = json.dumps(scenario).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /_control HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await reader.read()
    writer.close()


async def burst(server: Server, llm_port: int, streams: int) -> dict[str, Any]:
    """`streams` requests at the same instant; each is dropped after its first delta (TTFT is the point)."""
    cpu0 = server.cpu()
    started = time.monotonic()
    stats = await run_load(
        host="127.0.0.1",
        port=server.port,
        path=STREAM_PATH,
        body_for=TARGETS[server.target]["body"],
        streams=streams,
        ramp=0.0,
        duration=60.0,
        first_delta_only=True,
    )
    window = time.monotonic() - started
    cpu = server.cpu() - cpu0
    await asyncio.sleep(3)  # let the server notice the aborted streams before the next phase
    return {
        "streams": streams,
        "first_deltas": len(stats.ttft),
        "errors": stats.errors,
        "ttft_p50": round(percentile(stats.ttft, 0.5), 3),
        "ttft_p99": round(percentile(stats.ttft, 0.99), 3),
        "first_event_p50": round(percentile(stats.ttfe, 0.5), 3),
        "first_event_p99": round(percentile(stats.ttfe, 0.99), 3),
        "window_s": round(window, 2),
        "server_cpu_ms_per_stream": round(1000 * cpu / streams, 2),
    }


async def bench_target(
    target: str, args: argparse.Namespace, llm_port: int, fake: psutil.Process
) -> dict[str, Any]:
    workdir = ROOT / "var"
    report: dict[str, Any] = {"target": target}
    if args.burst or args.fixed:
        await _loaded_phases(target, args, llm_port, fake, workdir, report)
    if args.slow:
        report["slow"] = await slow_phase(target, args, llm_port, fake, workdir)
        print(json.dumps({target: {"slow": report["slow"]}}, ensure_ascii=False), flush=True)
    return report


async def _loaded_phases(
    target: str,
    args: argparse.Namespace,
    llm_port: int,
    fake: psutil.Process,
    workdir: Path,
    report: dict[str, Any],
) -> None:
    """The bursts, then the fixed load (twice) and the ladder, on one server."""
    server = Server(target, llm_port, args, workdir)
    try:
        await server.wait_ready()
        await _warm(server, fake, llm_port)
        if args.burst:
            # First, on an idle server: a burst after the loaded phases would meet their leftovers.
            bursts = []
            for _ in range(args.burst_repeat):
                bursts.append(await burst(server, llm_port, args.burst))
                print(json.dumps({target: {"burst": bursts[-1]}}, ensure_ascii=False), flush=True)
            report["burst"] = {
                **bursts[0],
                "runs": len(bursts),
                "ttft_p50": statistics.median(b["ttft_p50"] for b in bursts),
                "ttft_p99": statistics.median(b["ttft_p99"] for b in bursts),
                "first_event_p50": statistics.median(b["first_event_p50"] for b in bursts),
                "first_event_p99": statistics.median(b["first_event_p99"] for b in bursts),
                "server_cpu_ms_per_stream": statistics.median(b["server_cpu_ms_per_stream"] for b in bursts),
            }
        if args.fixed:
            # Twice at the fixed load: the first run also pays one-time allocations (imports, caches, the
            # allocator's arenas), so memory per stream is taken from the second; CPU is reported for both.
            primed = await phase(server, fake, llm_port, args.fixed, args.ramp, args.steady, measure=True)
            report["fixed_first"] = primed.summary()
            print(json.dumps({target: report["fixed_first"]}, ensure_ascii=False), flush=True)
            fixed = await phase(server, fake, llm_port, args.fixed, args.ramp, args.steady, measure=True)
            report["fixed"] = fixed.summary()
            print(json.dumps({target: report["fixed"]}, ensure_ascii=False), flush=True)
            ladder = []
            for streams in args.ladder:
                step = await phase(server, fake, llm_port, streams, args.ramp, args.steady, measure=True)
                ladder.append(step.summary())
                print(json.dumps({target: ladder[-1]}, ensure_ascii=False), flush=True)
                if not step.ok:
                    break
            report["ladder"] = ladder
            passing = [s["streams"] for s in ladder if s["pass"]]
            report["max_streams"] = max(passing) if passing else 0
    finally:
        server.stop()


async def _warm(server: Server, fake: psutil.Process, llm_port: int) -> None:
    warm = await phase(server, fake, llm_port, 10, 1.0, 4.0, measure=False)
    if warm.stats.errors or not warm.stats.deltas:
        raise RuntimeError(f"{server.target} warm-up failed: {warm.summary()}")


async def slow_phase(
    target: str, args: argparse.Namespace, llm_port: int, fake: psutil.Process, workdir: Path
) -> dict[str, Any]:
    """`--slow` streams at `--slow-tps` on a fresh server (memory: see PhaseResult.summary)."""
    server = Server(target, llm_port, args, workdir)
    try:
        await server.wait_ready()
        await _warm(server, fake, llm_port)
        await _control(llm_port, {"tps": args.slow_tps})
        try:
            slow = await phase(server, fake, llm_port, args.slow, args.ramp, args.steady, measure=True)
        finally:
            await _control(llm_port, {"tps": args.tps})
    finally:
        server.stop()
    return slow.summary()


def start_fake_llm(*, core: int, tokens: int, tps: float, ttft: float) -> tuple[subprocess.Popen[str], int]:
    """The fake LLM (`python -m tools.fakellm`) pinned to `core`, and its port; stopped by the caller (or with
    CHILDREN)."""
    options = ["--port", "0", "--tokens", str(tokens), "--tps", str(tps), "--ttft", str(ttft)]
    process = subprocess.Popen(
        ["taskset", "-c", str(core), PYTHON, "-m", "tools.fakellm", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    CHILDREN.append(process)
    assert process.stdout is not None
    return process, int(process.stdout.readline().split()[1])


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    os.sched_setaffinity(0, {args.client_core})
    fake_proc, llm_port = start_fake_llm(
        core=args.client_core, tokens=args.tokens, tps=args.tps, ttft=args.ttft
    )
    fake = psutil.Process(fake_proc.pid)
    reports = []
    try:
        for target in args.targets:
            reports.append(await bench_target(target, args, llm_port, fake))
    finally:
        fake_proc.terminate()
        fake_proc.wait(timeout=10)
    return reports


def _prioritize(nice: int) -> None:
    """Niceness for this process and its children. With the kernel's autogroup scheduling, nice only
    ranks processes inside one session, so the benchmark also becomes its own session and sets that
    group's nice; otherwise every other shell on the host gets an equal share of the server's core."""
    with contextlib.suppress(OSError):
        os.setsid()
    os.setpriority(os.PRIO_PROCESS, 0, nice)
    with contextlib.suppress(OSError), open("/proc/self/autogroup", "w") as autogroup:
        autogroup.write(str(nice))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--targets", type=lambda s: s.split(","), default=["naive", "readings"])
    parser.add_argument(
        "--fixed", type=int, default=300, help="open streams of the CPU/memory measurement (0: skip)"
    )
    parser.add_argument(
        "--ladder",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200],
    )
    parser.add_argument("--tokens", type=int, default=600)
    parser.add_argument("--tps", type=float, default=30.0)
    parser.add_argument("--ttft", type=float, default=0.2)
    parser.add_argument(
        "--ramp", type=float, default=20.0, help="seconds over which stream starts are spread"
    )
    parser.add_argument("--steady", type=float, default=15.0, help="seconds measured after the ramp")
    parser.add_argument("--settings", choices=["prod", "dev"], default="prod")
    parser.add_argument(
        "--db",
        default="sqlite",
        help="sqlite, or postgres://user@host:port/name (that database is recreated)",
    )
    parser.add_argument(
        "--burst", type=int, default=0, help="N simultaneous arrivals: TTFT p50/p99, CPU/stream"
    )
    parser.add_argument("--burst-repeat", type=int, default=1, help="bursts per target (medians reported)")
    parser.add_argument("--slow", type=int, default=0, help="N slow streams: memory per open stream")
    parser.add_argument("--slow-tps", type=float, default=2.0)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the full report here")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of the measured processes (e.g. -10 on a shared host so that other load does not "
        "starve the pinned server; needs root)",
    )
    args = parser.parse_args()
    if args.nice:
        _prioritize(args.nice)
    try:
        reports = asyncio.run(main_async(args))
    finally:
        for child in CHILDREN:
            if child.poll() is None:
                child.kill()
    by_target = {r["target"]: r for r in reports}
    if "naive" in by_target and "readings" in by_target and "fixed" in by_target["naive"]:
        naive = by_target["naive"]["fixed"]["cpu_s_per_1000_tokens"]
        ours = by_target["readings"]["fixed"]["cpu_s_per_1000_tokens"]
        print(json.dumps({"cpu_ratio_readings_over_naive": round(ours / naive, 3)}))
    if "burst" in by_target.get("naive", {}) and "burst" in by_target.get("readings", {}):
        ttft = by_target["readings"]["burst"]["ttft_p50"] / by_target["naive"]["burst"]["ttft_p50"]
        print(json.dumps({"burst_ttft_p50_ratio_readings_over_naive": round(ttft, 3)}))
        first = (
            by_target["readings"]["burst"]["first_event_p50"] / by_target["naive"]["burst"]["first_event_p50"]
        )
        print(json.dumps({"burst_first_event_p50_ratio_readings_over_naive": round(first, 3)}))
    if args.json:
        args.json.write_text(json.dumps(reports, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
