"""Service-level cost of the readings pipeline (no HTTP layer): CPU per 1,000 relayed tokens, cached reads.

    .venv/bin/python bench/readings_service.py --streams 200 --tokens 300 --tps 30

Starts the fake LLM (`python -m tools.fakellm`) as a subprocess, migrates a throwaway SQLite database and,
in this process, runs `--streams` concurrent distinct (uncached) readings through
`unse.readings.services.reading_stream`, then the same readings again (all cached). Reports this process's
CPU seconds (the fake LLM's CPU is not counted) per 1,000 relayed tokens and per cached reading, delta events
per stream, and the wall time. The HTTP/SSE layer is measured by bench/streams.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _configure(workdir: Path, llm_port: int) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        LLM_API_KEY="bench",
        LLM_BASE_URL=f"http://127.0.0.1:{llm_port}/v1",
        LLM_MODEL="fake-model",
        RATE_LIMIT_ANON="",
        RATE_LIMIT_USER="",
        RATE_LIMIT_ANON_GLOBAL="",
        AI_DAILY_TOKEN_BUDGET="0",  # noqa: S106 - a token count, not a password
        AI_MAX_STREAMS_PER_WORKER="100000",
        AI_MAX_STREAMS_PER_CLIENT="100000",  # one loopback address plays every user
    )
    os.environ.pop("REDIS_URL", None)
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def _birth(index: int) -> dict[str, object]:
    # Only formatted as the reported wall time (the engine applies the time zone).
    born = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(minutes=7 * index)
    return {"datetime": born.strftime("%Y-%m-%dT%H:%M"), "gender": "female"}


async def _run(streams: int) -> dict[str, float]:
    from unse.ai.providers import close_http_sessions
    from unse.core.request import Caller
    from unse.readings.requests import reading_request
    from unse.readings.services.open import reading_stream

    async def one(index: int) -> tuple[int, bool]:
        deltas, cached = 0, False
        async for event in reading_stream(
            request=reading_request(birth=_birth(index)),
            caller=Caller(user=None, client_subject=f"ip:bench-{index}", request_id="bench"),
        ):
            if event is None:
                continue
            if event.name == "meta":
                cached = bool(event.data["cached"])
            elif event.name == "delta":
                deltas += 1
            elif event.name == "error":
                raise RuntimeError(event.data)
        return deltas, cached

    cpu0, wall0 = time.process_time(), time.monotonic()
    fresh = await asyncio.gather(*(one(i) for i in range(streams)))
    cpu1, wall1 = time.process_time(), time.monotonic()
    again = await asyncio.gather(*(one(i) for i in range(streams)))
    cpu2, wall2 = time.process_time(), time.monotonic()
    await close_http_sessions()
    assert not any(cached for _, cached in fresh) and all(cached for _, cached in again)
    return {
        "uncached_cpu_s": cpu1 - cpu0,
        "uncached_wall_s": wall1 - wall0,
        "deltas_per_stream": sum(d for d, _ in fresh) / streams,
        "cached_cpu_ms_per_reading": (cpu2 - cpu1) / streams * 1000,
        "cached_wall_s": wall2 - wall1,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--tps", type=float, default=30.0)
    parser.add_argument("--ttft", type=float, default=0.2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        port = _free_port()
        fake = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tools.fakellm",
                "--port",
                str(port),
                "--tokens",
                str(args.tokens),
                "--tps",
                str(args.tps),
                "--ttft",
                str(args.ttft),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _configure(workdir, port)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=os.environ,
                check=True,
            )
            import django

            django.setup()
            time.sleep(0.5)
            result = asyncio.run(_run(args.streams))
        finally:
            fake.terminate()
            fake.wait(timeout=10)
    tokens = args.streams * args.tokens
    result["uncached_cpu_s_per_1000_tokens"] = result["uncached_cpu_s"] / tokens * 1000
    print(
        json.dumps(
            {
                "streams": args.streams,
                "tokens_per_stream": args.tokens,
                "tps": args.tps,
                **{k: round(v, 4) for k, v in result.items()},
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
