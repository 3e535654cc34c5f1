"""Latency of the probes through the real server (scripts/serve.sh, one uvicorn worker, SQLite):
`/health/` (no I/O) and `/ready/` (database, migrations, cache), sequential requests over one keep-alive
connection, after a warm-up. Prints percentiles and the server's CPU time per request.

    .venv/bin/python bench/probes.py            # --n 2000
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _measure(client: httpx.Client, path: str, n: int, server: psutil.Process) -> dict[str, float]:
    for _ in range(50):
        client.get(path)
    cpu_before = sum(server.cpu_times()[:2])
    latencies = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.text}")
    cpu = sum(server.cpu_times()[:2]) - cpu_before
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(n * 0.95)],
        "p99_ms": latencies[int(n * 0.99)],
        "server_cpu_ms_per_request": cpu * 1000 / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="unse-bench-probes-"))
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(300):
                try:
                    client.get("/health/")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            process = psutil.Process(server.pid)
            print(f"load average before: {os.getloadavg()[0]:.1f}")
            for path in ("/health/", "/ready/"):
                result = _measure(client, path, args.n, process)
                print(path, " ".join(f"{key}={value:.2f}" for key, value in result.items()))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
