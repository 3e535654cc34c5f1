"""Benchmark of the nightly batch (`generate_daily_fortunes`) on PostgreSQL with the fake LLM.

    .venv/bin/python bench/batch.py                    # 100,000 users, concurrency 200, 1 s per answer
    .venv/bin/python bench/batch.py --users 10000      # quick variant

Steps: create the bench database and N synthetic target users in bulk (unusable passwords: hashing
real ones would take hours; births from the seeded realistic population of `bench/population.py`:
Korean births per year 1940–2015, uniform dates and times, 10 % without a time, both genders), start
the fake LLM (`--latency` seconds per answer), then
  1. a full run of the command (`--workers`), measuring wall time, users/s, provider calls (one per daily
     class, not per user) and the command's peak RSS;
     With `--flap-failing 2 --flap-period 10` the fake LLM answers 500 for 2 s out of every 10 s (20 %);
  2. a second night: the command is killed (SIGKILL) once half the night's classes are stored, then
     rerun; duplicates (a class with more than one daily reading), missing users (whose class has no
     reading) and provider calls of the rerun are counted.
Prints one JSON document with the results (recorded in BENCHMARKS.md, "Nightly batch").
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

from population import population

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SEED_BATCH = 5000
POPULATION_SEED = 19
FULL_BASE = date(2026, 12, 1)
KILL_BASE = date(2026, 12, 2)


def _env(args: argparse.Namespace, llm_port: int | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env |= {
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
        "DB_POOL_MAX": str(args.db_pool),
        "DAILY_FORTUNE_DB_THREADS": str(args.db_pool),
        "AI_MAX_STREAMS_PER_WORKER": str(args.concurrency * 2),
        # The provider limits of the bench: generous enough that the fake LLM's latency is the limit.
        "LLM_PROVIDER_RPM": str(args.concurrency * 60 * 2),
        "LLM_PROVIDER_TPM": "0",
        "DAILY_FORTUNE_LOG_EVERY_SECONDS": "10",
        # The nightly batch needs a daily token budget that covers every target (~3,200 tokens each here).
        "AI_DAILY_TOKEN_BUDGET": str(10**12),
    }
    if args.redis:
        # Cross-process single flight, shared breaker and limiter (production); off by default.
        env |= {"REDIS_URL": args.redis}
    if llm_port is not None:
        env |= {
            "LLM_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
            "LLM_API_KEY": "bench-key",
            "LLM_MODEL": "fake-bench",
        }
    return env


def _ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def _django(args: argparse.Namespace) -> None:
    os.environ.update(_env(args))
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()


def _seed(users: int) -> float:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from saju.birth import BirthInput
    from saju.chart import chart_from_birth
    from saju.errors import SajuError
    from unse.accounts.models import Profile, User

    existing = User.objects.filter(username__startswith="bench-").count()
    if existing >= users:
        return 0.0
    births = list(population(users, seed=POPULATION_SEED))
    started = time.monotonic()
    now = timezone.now()
    for start in range(existing, users, SEED_BATCH):
        stop = min(users, start + SEED_BATCH)
        batch = [
            User(
                username=f"bench-{i}",
                email=f"bench-{i}@example.invalid",
                password=make_password(None),
                is_active=True,
                last_seen_at=now,
            )
            for i in range(start, stop)
        ]
        created = User.objects.bulk_create(batch)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in created]
        )
        profiles = []
        for offset, (user, raw) in enumerate(zip(created, births[start:stop], strict=True)):
            birth = BirthInput.from_mapping(raw)
            try:
                chart_from_birth(birth)
            except SajuError:  # a wall time inside a DST gap (Korea 1948-1988): take the next hour
                moment = datetime.fromisoformat(str(raw["datetime"])) + timedelta(hours=1)
                birth = BirthInput.from_mapping({**raw, "datetime": moment.strftime("%Y-%m-%dT%H:%M")})
            profiles.append(
                Profile(
                    user=user,
                    label=f"벤치{start + offset}",
                    birth=dict(birth.to_mapping()),
                    is_default=True,
                    daily_fortune=True,
                )
            )
        Profile.objects.bulk_create(profiles)
        print(f"seeded {stop:,}/{users:,}", file=sys.stderr, flush=True)
    return time.monotonic() - started


def _clear_day(target: date) -> None:
    from unse.readings.models import Reading

    Reading.objects.filter(kind="daily", period=target.isoformat()).delete()


def _daily_rows(target: date) -> int:
    """AI class texts of that day (built-in fallback rows live under their own key and are not fortunes)."""
    from unse.readings.models import Reading

    return Reading.objects.filter(kind="daily", period=target.isoformat(), generated_by="ai").count()


def _check(target: date, users: int) -> dict[str, int]:
    """Duplicates: daily classes with more than one reading that day; missing: targets whose class has none."""
    from django.db.models import Count

    from saju.analysis import analyze
    from saju.birth import BirthInput
    from saju.chart import chart_from_birth
    from saju.errors import SajuError
    from saju.reading.signature import day_signature
    from unse.accounts.models import Profile
    from unse.accounts.selectors.profiles import profile_birth_mapping
    from unse.readings.dayclass import class_fingerprint
    from unse.readings.models import Reading

    rows = Reading.objects.filter(kind="daily", period=target.isoformat(), generated_by="ai")
    fallback_rows = Reading.objects.filter(
        kind="daily", period=target.isoformat(), generated_by="rules"
    ).count()
    duplicates = rows.values("fingerprint").annotate(n=Count("id")).filter(n__gt=1).count()
    stored = set(rows.values_list("fingerprint", flat=True))
    missing = 0
    invalid = 0
    after = 0
    while True:
        page = list(
            Profile.objects.filter(
                user__username__startswith="bench-", is_default=True, pk__gt=after
            ).order_by("pk")[:SEED_BATCH]
        )
        if not page:
            break
        after = page[-1].pk
        for profile in page:
            birth = BirthInput.from_mapping(profile_birth_mapping(profile=profile))
            try:
                chart = chart_from_birth(birth)
            except SajuError:
                invalid += 1  # e.g. a wall time inside a DST gap: recorded by the batch, never generated
                continue
            signature = day_signature(chart, analyze(chart, reference=target), target)
            if class_fingerprint(signature) not in stored:
                missing += 1
    return {
        "ai_daily_rows": len(stored),
        "builtin_fallback_rows": fallback_rows,
        "duplicates": duplicates,
        "missing": missing,
        "invalid_birth_targets": invalid,
        "targets": users,
    }


def _start_fake_llm(latency: float, tokens: int) -> tuple[subprocess.Popen[str], int]:
    fake = subprocess.Popen(
        [PY, "-m", "tools.fakellm", "--port", "0", "--ttft", str(latency), "--tokens", str(tokens)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    return fake, int(fake.stdout.readline().split()[1])


class RssSampler(threading.Thread):
    """Peak resident memory of a process tree (sum, and the largest single process) and the CPU time of
    the whole tree (the command and its --processes workers), sampled every 200 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.peak_single = 0
        # PSS splits each shared (copy-on-write) page between the processes that map it, so the tree's
        # PSS sum is its real footprint; the RSS sum counts the forked workers' shared pages twice.
        self.peak_pss = 0
        self.cpu_seconds = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                children = self.process.children(recursive=True)
                sizes = [self.process.memory_info().rss]
                pss = [self.process.memory_full_info().pss]
                live_cpu = 0.0
                for child in children:
                    try:
                        sizes.append(child.memory_info().rss)
                        pss.append(child.memory_full_info().pss)
                        child_times = child.cpu_times()
                        live_cpu += child_times.user + child_times.system
                    except psutil.Error:
                        continue
                times = self.process.cpu_times()
            except psutil.Error:
                return
            self.peak = max(self.peak, sum(sizes))
            self.peak_single = max(self.peak_single, max(sizes))
            self.peak_pss = max(self.peak_pss, sum(pss))
            # Reaped workers are in the parent's children_* times, live ones are sampled directly.
            self.cpu_seconds = max(
                self.cpu_seconds,
                times.user + times.system + times.children_user + times.children_system + live_cpu,
            )
            time.sleep(0.2)


def _command(args: argparse.Namespace, port: int, base: date, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            PY,
            "manage.py",
            "generate_daily_fortunes",
            "--date",
            base.isoformat(),
            "--workers",
            str(args.concurrency),
            "--processes",
            str(args.processes),
        ],
        cwd=ROOT,
        env=_env(args, port),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _provider_calls(port: int) -> int:
    import httpx

    return int(httpx.get(f"http://127.0.0.1:{port}/_stats", timeout=5).json()["requests"])


class Flapper(threading.Thread):
    """Makes the fake LLM answer 500 for `failing` seconds out of every `period` (through /_control)."""

    def __init__(self, port: int, period: float, failing: float) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/_control"
        self.period = period
        self.failing = failing
        self.stopped = threading.Event()

    def run(self) -> None:
        import httpx

        while not self.stopped.is_set():
            httpx.post(self.url, json={"fault": "500"}, timeout=5)
            if self.stopped.wait(self.failing):
                break
            httpx.post(self.url, json={"fault": "none"}, timeout=5)
            self.stopped.wait(self.period - self.failing)
        httpx.post(self.url, json={"fault": "none"}, timeout=5)


def _cpu_of(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _full_run(args: argparse.Namespace, port: int, log: Path, fake_pid: int) -> dict[str, Any]:
    target = FULL_BASE + timedelta(days=1)
    _clear_day(target)
    fake_cpu = _cpu_of(fake_pid)
    calls = _provider_calls(port)
    flapper = Flapper(port, args.flap_period, args.flap_failing) if args.flap_failing > 0 else None
    started = time.monotonic()
    proc = _command(args, port, FULL_BASE, log)
    if flapper is not None:
        flapper.start()
    sampler = RssSampler(proc.pid)
    sampler.start()
    code = proc.wait()
    elapsed = time.monotonic() - started
    if flapper is not None:
        flapper.stopped.set()
        flapper.join()
    sampler.running = False
    sampler.join()
    rows = _daily_rows(target)
    return {
        "exit_code": code,
        "wall_seconds": round(elapsed, 1),
        "users_per_second_wall": round(args.users / elapsed, 1),
        "provider_calls": _provider_calls(port) - calls,
        "peak_rss_mb": round(sampler.peak / 2**20, 1),
        "peak_rss_single_process_mb": round(sampler.peak_single / 2**20, 1),
        "peak_pss_mb": round(sampler.peak_pss / 2**20, 1),
        "cpu_seconds": round(sampler.cpu_seconds, 1),
        "cpu_ms_per_user": round(1000 * sampler.cpu_seconds / max(args.users, 1), 1),
        # The fake LLM shares the 2 cores: its CPU is not the batch's but competes with it.
        "fake_llm_cpu_seconds": round(_cpu_of(fake_pid) - fake_cpu, 1),
        "load_average_1m_after": round(os.getloadavg()[0], 1),
        "daily_rows": rows,
        "summary_tail": log.read_text(errors="replace").strip().splitlines()[-5:],
    }


def _kill_and_rerun(args: argparse.Namespace, port: int, log: Path, classes: int) -> dict[str, Any]:
    """Kill -9 the command once about half the night's classes are stored, rerun it; both halves are
    measured. `classes` is the full run's count (another date: close, not equal)."""
    target = KILL_BASE + timedelta(days=1)
    _clear_day(target)
    calls = _provider_calls(port)
    started = time.monotonic()
    proc = _command(args, port, KILL_BASE, log)
    sampler = RssSampler(proc.pid)
    sampler.start()
    while proc.poll() is None and _daily_rows(target) < classes // 2:
        time.sleep(0.5)
    at_kill = _daily_rows(target)
    first_half_seconds = time.monotonic() - started
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    sampler.running = False
    sampler.join()
    rerun_log = log.with_suffix(".rerun.log")
    calls_at_kill = _provider_calls(port)
    started = time.monotonic()
    rerun = _command(args, port, KILL_BASE, rerun_log)
    rerun_sampler = RssSampler(rerun.pid)
    rerun_sampler.start()
    code = rerun.wait()
    rerun_seconds = time.monotonic() - started
    rerun_sampler.running = False
    rerun_sampler.join()
    generated_by_rerun = _daily_rows(target) - at_kill
    return {
        "rows_at_kill": at_kill,
        "provider_calls_first_half": calls_at_kill - calls,
        "provider_calls_rerun": _provider_calls(port) - calls_at_kill,
        "first_half_seconds": round(first_half_seconds, 1),
        "first_half_users_per_second": round(at_kill / first_half_seconds, 1),
        "first_half_peak_rss_mb": round(sampler.peak / 2**20, 1),
        "rerun_exit_code": code,
        "rerun_seconds": round(rerun_seconds, 1),
        "rerun_generated": generated_by_rerun,
        "rerun_classes_per_second": round(generated_by_rerun / rerun_seconds, 1),
        "rerun_peak_rss_mb": round(rerun_sampler.peak / 2**20, 1),
        "rerun_peak_rss_single_process_mb": round(rerun_sampler.peak_single / 2**20, 1),
        "cpu_ms_per_user": round(
            1000 * (sampler.cpu_seconds + rerun_sampler.cpu_seconds) / max(_daily_rows(target), 1), 1
        ),
        "load_average_1m_after": round(os.getloadavg()[0], 1),
        **_check(target, args.users),
        "rerun_summary_tail": rerun_log.read_text(errors="replace").strip().splitlines()[-5:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2, help="the command's --processes")
    parser.add_argument("--latency", type=float, default=1.0, help="fake LLM seconds per answer")
    parser.add_argument("--tokens", type=int, default=40, help="fake LLM chunks per answer")
    parser.add_argument("--db", default="unse_bench_classes")
    parser.add_argument("--db-pool", type=int, default=20)
    parser.add_argument("--skip-kill", action="store_true", help="only the uninterrupted run")
    parser.add_argument(
        "--flap-failing",
        type=float,
        default=0.0,
        help="full run only: seconds of every --flap-period the fake LLM answers 500 (0 = no faults)",
    )
    parser.add_argument("--flap-period", type=float, default=10.0)
    parser.add_argument("--redis", default="", help="REDIS_URL of the command (default: none)")
    parser.add_argument(
        "--check-only", action="store_true", help="only count duplicates/missing of the kill night"
    )
    parser.add_argument(
        "--skip-full", action="store_true", help="only the kill-at-half run (both halves are measured)"
    )
    args = parser.parse_args()

    if args.check_only:
        _django(args)
        print(json.dumps(_check(KILL_BASE + timedelta(days=1), args.users), indent=2))
        return 0
    _ensure_database(args.db)
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=_env(args), check=True)
    _django(args)
    seed_seconds = _seed(args.users)
    fake, port = _start_fake_llm(args.latency, args.tokens)
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        results: dict[str, Any] = {
            "users": args.users,
            "concurrency": args.concurrency,
            "processes": args.processes,
            "redis": bool(args.redis),
            "llm_latency_seconds": args.latency,
            "flapping": f"{args.flap_failing} s failing of every {args.flap_period} s"
            if args.flap_failing
            else "none",
            "seed_seconds": round(seed_seconds, 1),
        }
        if not args.skip_full:
            results["full_run"] = _full_run(args, port, logs / f"batch-{args.users}.log", fake.pid)
        if not args.skip_kill:
            classes = results.get("full_run", {}).get("daily_rows") or args.users // 10
            results["kill_at_half"] = _kill_and_rerun(
                args, port, logs / f"batch-{args.users}-kill.log", classes
            )
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
