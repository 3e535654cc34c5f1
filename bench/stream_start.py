"""Server CPU from request to the first streamed byte of an uncached AI reading (issue 19, "Leaner streams").

    .venv/bin/python bench/stream_start.py --db postgres://postgres@127.0.0.1:5432/unse_bench_start
    .venv/bin/python bench/stream_start.py --profile 25          # + the 25 heaviest functions (cProfile)

In one process, on one event loop: the service's ASGI application (prod settings unless `--settings dev`)
and the repo's fake LLM (`tools.fakellm`, in-process). Each request is `POST /api/v1/readings/stream` for a
distinct birth (no cache hit, no single flight), sent straight to the ASGI callable (no socket, no HTTP
parser: what is measured is Django, the middleware and the service). The clock (`time.process_time`, this
process's CPU) runs from the call until the application sends the first body chunk; then the client
disconnects and the flight is cancelled, outside the measurement. `--db`: `sqlite` (a fresh file under
var/) or a postgres:// URL whose database is DROPPED and created afresh.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from streams import _body_readings, _database_url, _fresh_database, _target_env  # noqa: E402

PATH = "/api/v1/readings/stream"


def _environment(args: argparse.Namespace, llm_port: int, db: str) -> None:
    """This process's environment = the readings server's of bench/streams.py (prod settings, no Redis,
    limits and budget off)."""
    env = _target_env("readings", llm_port, ROOT / "var", args.settings, db)
    os.environ.clear()
    os.environ.update(env)


def _scope(body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"accept", b"text/event-stream"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def one_request(application: Any, body: bytes, profiler: cProfile.Profile | None) -> float:
    """CPU seconds until the first body chunk; the client then disconnects."""
    first = asyncio.get_running_loop().create_future()
    disconnect = asyncio.Event()
    sent_body = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"status {message['status']}")
        if message["type"] == "http.response.body" and message.get("body") and not first.done():
            first.set_result(time.process_time())

    if profiler is not None:
        profiler.enable()
    start = time.process_time()
    task = asyncio.ensure_future(application(_scope(body), receive, send))
    end = await first
    if profiler is not None:
        profiler.disable()
    disconnect.set()
    await task
    return end - start


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    from tools.fakellm.scenario import Scenario
    from tools.fakellm.server import FakeLLM, serve

    fake = FakeLLM(Scenario(tokens=300, tps=30, ttft=0.05))
    server = await serve(fake, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    workdir = ROOT / "var"
    db = _database_url(args.db, workdir)
    _fresh_database(db, workdir)
    _environment(args, port, db)
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    await asyncio.to_thread(subprocess.run, migrate, cwd=ROOT, check=True)
    # The served entry point, with what it sets up for a worker (config/asgi.py).
    from config.asgi import application

    for index in range(args.warmup):  # imports, first connections, per-process caches
        await one_request(application, _body_readings(10_000_000 + index), None)
    profiler = cProfile.Profile() if args.profile else None
    samples = [
        await one_request(application, _body_readings(index * 13 + 5), profiler)
        for index in range(args.requests)
    ]
    await asyncio.sleep(0.5)  # cancelled flights finish closing their upstream responses
    server.close()
    result = {
        "settings": args.settings,
        "db": "postgres" if db.startswith("postgres") else "sqlite",
        "requests": len(samples),
        "cpu_ms_to_first_byte_mean": round(1000 * statistics.fmean(samples), 3),
        "cpu_ms_to_first_byte_p50": round(1000 * statistics.median(samples), 3),
        "cpu_ms_to_first_byte_p90": round(1000 * sorted(samples)[int(0.9 * len(samples))], 3),
    }
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
        stats.print_stats(args.profile)
        if args.callers:
            stats.print_callers(args.callers)
        result["profile"] = out.getvalue()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--settings", choices=["prod", "dev"], default="prod")
    parser.add_argument(
        "--db", default="sqlite", help="sqlite, or postgres://user@host:port/name (recreated)"
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, help="print the N heaviest functions (cumulative)")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    parser.add_argument("--callers", default="", help="with --profile: who calls the functions matching this")
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency of the service
        runner = asyncio.run
    else:
        runner = uvloop.run
    result = runner(main_async(args))
    profile = result.pop("profile", None)
    print(json.dumps(result))
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
