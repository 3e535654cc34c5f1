"""Capacity (issue 10, scenario 1): the service on uvicorn (2 workers) beside the seed's original setup
(gunicorn gthread, 3 workers x 4 threads, a sync Django view), against the same fake LLM in the same run.

    .venv/bin/python bench/capacity.py                                        # full: 600 tokens at 30/s
    .venv/bin/python bench/capacity.py --tokens 120 --tps 30 \\
        --uvicorn-ladder 12,50,100,200 --gthread-ladder 6,12,24                # quick run (~3 min)

Targets
- `uvicorn`: scripts/serve.sh's flags (uvloop, its httptools protocol) with `--workers 2`, the real service's
  `POST /api/v1/readings/stream` (prod settings, SQLite, rate limits and budget off, a distinct birth per
  request so no cache hit and no single-flight sharing) - the environment of bench/streams.py.
- `gthread`: `gunicorn -k gthread -w 3 --threads 4` serving bench/seed_sync (a sync view relaying the
  fake LLM stream with the sync OpenAI client, one thread held per open stream).

Starvation: both servers (master and workers) are pinned with taskset to `--server-core`; the fake LLM
(`python -m tools.fakellm`, one token per chunk) and this load generator (bench/streams_load.py) to
`--client-core`. Each step also reports how busy the client core was, so a saturated client shows.

Per target: for each ladder step (stops at the first failing one) p99 time to first delta, errors,
server CPU-seconds per 1,000 tokens (CPU of the whole process tree over the steady window / tokens the
fake LLM sent in it) and memory per open stream ((tree RSS under load - tree RSS idle) / streams). The
capacity is the largest step with p99 TTFT < 1 s and 0 errors; CPU and memory are quoted at that step.
Every child is started in its own process group and killed by group in `finally`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from streams import (
    PYTHON,
    ROOT,
    SERVICE_HTTP,
    STREAM_PATH,
    TTFT_P99_LIMIT,
    PhaseResult,
    _body_naive,
    _body_readings,
    _free_port,
    _http_get_json,
    _target_env,
)
from streams_load import LoadStats, percentile, run_load

GROUPS: list[subprocess.Popen[Any]] = []  # process-group leaders, killed in main() whatever happens


def _kill_group(proc: subprocess.Popen[Any], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _start(cmd: list[str], env: dict[str, str], log: Any, **kw: Any) -> subprocess.Popen[Any]:
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kw
    )
    GROUPS.append(proc)
    return proc


class Server:
    def __init__(self, target: str, llm_port: int, core: int, workdir: Path) -> None:
        self.target = target
        self.port = _free_port()
        self.log = (workdir / f"bench-capacity-{target}.log").open("w")
        pin = ["taskset", "-c", str(core)]
        if target == "uvicorn":
            self.body = _body_readings
            env = _target_env("readings", llm_port, workdir)
            env["PROMETHEUS_MULTIPROC_DIR"] = str(workdir / "bench-capacity-prom")
            subprocess.run(["rm", "-rf", env["PROMETHEUS_MULTIPROC_DIR"]], check=True)
            os.makedirs(env["PROMETHEUS_MULTIPROC_DIR"])
            (workdir / "bench-streams.sqlite3").unlink(missing_ok=True)
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
            )
            cmd = [
                *pin,
                PYTHON,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--workers",
                "2",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--loop",
                "uvloop",
                "--http",
                SERVICE_HTTP,
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-level",
                "warning",
                "--backlog",
                "4096",
            ]
        else:
            self.body = _body_naive
            env = _target_env("naive", llm_port, workdir)
            env["DJANGO_SETTINGS_MODULE"] = "bench.seed_sync.settings"
            cmd = [
                *pin,
                PYTHON,
                "-m",
                "gunicorn",
                "bench.seed_sync.wsgi:application",
                "-k",
                "gthread",
                "-w",
                "3",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "4096",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ]
        self.process = _start(cmd, env, self.log)
        self.ps = psutil.Process(self.process.pid)

    def tree(self) -> list[psutil.Process]:
        procs = [self.ps]
        with contextlib.suppress(psutil.NoSuchProcess):
            procs += self.ps.children(recursive=True)
        return procs

    def cpu(self) -> float:
        # Workers live for the whole run, so the tree's own CPU times are comparable across samples.
        total = 0.0
        for p in self.tree():
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
        return total

    def rss(self) -> int:
        total = 0
        for p in self.tree():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            stats = await run_load(
                host="127.0.0.1",
                port=self.port,
                path=STREAM_PATH,
                body_for=self.body,
                streams=1,
                ramp=0.0,
                duration=30.0,
                stop_after_first=True,
            )
            if stats.deltas:
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{self.target} server streams nothing (see var/bench-capacity-{self.target}.log)")

    def stop(self) -> None:
        _kill_group(self.process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        _kill_group(self.process)  # stragglers (workers) of the group
        self.log.close()


async def step(
    server: Server, others: list[psutil.Process], llm_port: int, streams: int, ramp: float, steady: float
) -> PhaseResult:
    result = PhaseResult(streams=streams, stats=LoadStats())
    result.rss_idle = server.rss()

    def client_cpu() -> float:
        return sum(p.cpu_times().user + p.cpu_times().system for p in others)

    async def sample() -> None:
        await asyncio.sleep(ramp)
        cpu0, c0, t0 = server.cpu(), client_cpu(), time.monotonic()
        tokens0 = (await _http_get_json(llm_port, "/_stats"))["tokens_sent"]
        await asyncio.sleep(max(1.0, steady - 1.0))
        result.server_cpu = server.cpu() - cpu0
        result.client_cpu = client_cpu() - c0
        result.tokens = (await _http_get_json(llm_port, "/_stats"))["tokens_sent"] - tokens0
        result.window = time.monotonic() - t0
        result.rss_load = server.rss()

    sampler = asyncio.create_task(sample())
    result.stats = await run_load(
        host="127.0.0.1",
        port=server.port,
        path=STREAM_PATH,
        body_for=server.body,
        streams=streams,
        ramp=ramp,
        duration=ramp + steady,
    )
    await sampler
    await asyncio.sleep(3)  # let the server notice the aborted streams before the next step
    return result


def _passes(r: PhaseResult) -> bool:
    # Scenario 1's criterion: p99 TTFT < 1 s and 0 errors (the inter-event gap is reported, not gated).
    return r.stats.errors == 0 and r.stats.completed > 0 and percentile(r.stats.ttft, 0.99) < TTFT_P99_LIMIT


async def bench(
    target: str, ladder: list[int], args: argparse.Namespace, llm_port: int, others: list[psutil.Process]
) -> dict[str, Any]:
    server = Server(target, llm_port, args.server_core, ROOT / "var")
    report: dict[str, Any] = {"target": target, "ladder": []}
    try:
        await server.wait_ready()
        # Warm-up: every worker (and thread) pays its first-request imports and pools here, not in the
        # first step; at the first step's size so that no warm-up request queues behind a busy thread.
        for _ in range(2):
            await step(server, others, llm_port, ladder[0], 2.0, 4.0)
        await asyncio.sleep(3)
        best: dict[str, Any] | None = None
        for n in ladder:
            r = await step(server, others, llm_port, n, args.ramp, args.steady)
            row = r.summary()
            row["pass"] = _passes(r)
            row["tree_procs"] = len(server.tree())
            report["ladder"].append(row)
            print(json.dumps({target: row}, ensure_ascii=False), flush=True)
            if not row["pass"]:
                break
            best = row
        report["capacity"] = best["streams"] if best else 0
        report["at_capacity"] = best
    finally:
        server.stop()
    return report


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    os.sched_setaffinity(0, {args.client_core})
    fake = _start(
        [
            "taskset",
            "-c",
            str(args.client_core),
            PYTHON,
            "-m",
            "tools.fakellm",
            "--port",
            "0",
            "--tokens",
            str(args.tokens),
            "--tps",
            str(args.tps),
            "--ttft",
            str(args.ttft),
        ],
        {**os.environ, "PYTHONPATH": str(ROOT / "src")},
        subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    llm_port = int(fake.stdout.readline().split()[1])
    others = [psutil.Process(), psutil.Process(fake.pid)]
    reports = []
    for target, ladder in (("uvicorn", args.uvicorn_ladder), ("gthread", args.gthread_ladder)):
        if target in args.targets:
            reports.append(await bench(target, ladder, args, llm_port, others))
    return reports


def main() -> int:
    ints = lambda s: [int(x) for x in s.split(",")]  # noqa: E731
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--targets", type=lambda s: s.split(","), default=["uvicorn", "gthread"])
    parser.add_argument("--uvicorn-ladder", type=ints, default=[50, 100, 200, 300, 400, 600, 800])
    parser.add_argument("--gthread-ladder", type=ints, default=[6, 12, 24])
    parser.add_argument("--tokens", type=int, default=600)
    parser.add_argument("--tps", type=float, default=30.0)
    parser.add_argument("--ttft", type=float, default=0.2)
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which stream starts are spread")
    parser.add_argument("--steady", type=float, default=10.0, help="seconds measured after the ramp")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the full report here")
    args = parser.parse_args()
    print(
        json.dumps(
            {"uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
        )
    )
    try:
        reports = asyncio.run(main_async(args))
    finally:
        for proc in GROUPS:
            _kill_group(proc)
    print(
        json.dumps(
            {"uptime_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
        )
    )
    for r in reports:
        print(
            json.dumps(
                {r["target"]: {"capacity": r["capacity"], "at_capacity": r["at_capacity"]}},
                ensure_ascii=False,
            )
        )
    if args.json:
        args.json.write_text(json.dumps(reports, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
