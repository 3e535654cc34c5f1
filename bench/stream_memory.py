"""Python memory per open AI stream, by the line that allocated it (issue 19): tracemalloc in the server.

    .venv/bin/python bench/stream_memory.py --db postgres://postgres@127.0.0.1:5432/unse_bench_streams
    .venv/bin/python bench/stream_memory.py --streams 1000 --ramp 20 --top 40

One service worker as in bench/streams.py (prod settings, its `readings` target and `--http`), serving
`bench.stream_memory_app:application`; the fake LLM answers at 2 tokens/s (600 tokens: the streams stay
open). Once the server is warm, tracing starts; `--streams` streams arrive over `--ramp` seconds; 8 s after
the last arrival (all streams open, each past its first tokens) a snapshot is taken after `gc.collect()`.
Printed: what is still allocated since tracing began ÷ streams, in total, by file and by line. Tracing makes
the server several times slower: keep the arrival rate moderate (the default is 30 streams/s), and take RSS
figures from bench/streams.py `--slow`, not from here.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import tempfile
import time
import tracemalloc
from pathlib import Path

import streams
from streams_load import run_load

SETTLE_SECONDS = 8.0


def _short(filename: str) -> str:
    for marker in ("site-packages/", f"{streams.ROOT}/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename.rsplit("/lib/", 1)[-1]


def report(snapshot_path: Path, streams_open: int, top: int) -> None:
    stats = tracemalloc.Snapshot.load(str(snapshot_path)).statistics("lineno")
    total = sum(stat.size for stat in stats)
    print(f"Python memory per open stream: {total / 1024 / streams_open:.1f} KiB ({streams_open} streams)")
    by_file: collections.Counter[str] = collections.Counter()
    for stat in stats:
        by_file[_short(stat.traceback[0].filename)] += stat.size
    print("\nbytes per stream, by file:")
    for name, size in by_file.most_common(top):
        print(f"{size / streams_open:8.0f}  {name}")
    print("\nbytes per stream (allocations per stream), by line:")
    for stat in stats[:top]:
        frame = stat.traceback[0]
        print(
            f"{stat.size / streams_open:8.0f} ({stat.count / streams_open:5.2f})  "
            f"{_short(frame.filename)}:{frame.lineno}"
        )


async def main_async(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="stream-memory-"))
    snapshot = workdir / "streams.snapshot"
    os.environ["STREAM_MEMORY_OUT"] = str(snapshot)  # the server inherits it (bench/streams.py's env)
    fake, llm_port = streams.start_fake_llm(core=args.client_core, tokens=600, tps=2.0, ttft=0.2)
    # This process only: the `readings` target (database, settings, --http) serving the traced app.
    streams.TARGETS["readings"]["app"] = "bench.stream_memory_app:application"
    server_args = argparse.Namespace(server_core=args.server_core, settings="prod", db=args.db)
    server = streams.Server("readings", llm_port, server_args, workdir)
    try:
        await server.wait_ready()
        os.kill(server.process.pid, signal.SIGUSR1)  # tracing on
        load = asyncio.create_task(
            run_load(
                host="127.0.0.1",
                port=server.port,
                path=streams.STREAM_PATH,
                body_for=streams._body_readings,
                streams=args.streams,
                ramp=args.ramp,
                duration=args.ramp + SETTLE_SECONDS + 600,
            )
        )
        await asyncio.sleep(args.ramp + SETTLE_SECONDS)  # a measuring window, not an ordering
        os.kill(server.process.pid, signal.SIGUSR1)  # snapshot
        done = snapshot.with_name(snapshot.name + ".done")
        deadline = time.monotonic() + 600
        while not done.exists():
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise SystemExit("stream_memory: the server wrote no snapshot")
            await asyncio.sleep(0.5)
        load.cancel()
    finally:
        server.stop()
        fake.terminate()
    report(snapshot, args.streams, args.top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/unse_bench_streams")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    args = parser.parse_args()
    if args.streams < 1 or args.ramp < 0:
        parser.error("--streams must be at least 1 and --ramp not negative")
    os.sched_setaffinity(0, {args.client_core})
    try:
        asyncio.run(main_async(args))
    finally:
        for child in streams.CHILDREN:
            if child.poll() is None:
                child.kill()


if __name__ == "__main__":
    main()
