"""`manage.py generate_daily_fortunes` end to end on the real pipeline (built-in interpreter and fake LLM)."""

from __future__ import annotations

import asyncio
import io
import os
import secrets
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.unse.fortunes.conftest import Receiver, daily_classes, make_target
from unse.accounts.models import Profile
from unse.fortunes.batch.run import run_async
from unse.fortunes.daily import daily_cache_keys
from unse.fortunes.models import BatchFailure, BatchRun, BatchStatus
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "2026-11-24"
TARGET = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[4]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_daily_fortunes", "--date", BASE, *args, stdout=out)
    return out.getvalue()


def fortunes_of(user_id: int) -> int:
    profile = Profile.objects.get(user_id=user_id, is_default=True)
    keys = daily_cache_keys(birth={k: v for k, v in profile.birth.items() if k != "birthplace"}, day=TARGET)
    return Reading.objects.filter(cache_key__in=keys).count()


def test_builtin_run_stores_one_fortune_per_user_and_reruns_skip() -> None:
    users = [make_target(n=n) for n in range(3)]
    out = run("--workers", "2")
    assert "2026-11-24 → 2026-11-25" in out
    assert "생성 3" in out
    assert all(fortunes_of(u) == 1 for u in users)
    assert Reading.objects.filter(kind="daily", period="2026-11-25").count() == daily_classes(users, TARGET)
    stored = BatchRun.objects.get()
    assert (stored.targets, stored.done, stored.skipped, stored.failed) == (3, 3, 0, 0)
    assert stored.status == BatchStatus.SUCCEEDED and stored.target_date == TARGET

    again = run()
    assert "건너뜀 3" in again
    forced = run("--force")
    assert "생성 3" in forced
    assert all(fortunes_of(u) == 1 for u in users)


def test_dry_run_says_what_would_happen_and_writes_nothing() -> None:
    for n in range(2):
        make_target(n=n)
    out = run("--dry-run")
    assert "시험 실행" in out and "생성 예정 2명" in out
    assert Reading.objects.count() == 0
    assert BatchRun.objects.get().dry_run is True


def test_user_id_and_limit_select_users() -> None:
    users = [make_target(n=n) for n in range(4)]
    run("--user-id", str(users[2]))
    assert [fortunes_of(u) for u in users] == [0, 0, 1, 0]
    run("--limit", "2")
    assert [fortunes_of(u) for u in users] == [1, 1, 1, 0]


def test_fake_llm_run_records_tokens_and_ai_readings(fake_llm: Any, settings: Any) -> None:
    # Own provider name and a roomy budget: breaker and budget live in the shared Redis on the PG pass.
    settings.LLM_PROVIDERS = [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(4)}")]
    settings.AI_DAILY_TOKEN_BUDGET = 10**12
    settings.LLM_STREAM_COALESCE_MS = 100
    users = [make_target(n=n) for n in range(3)]
    out = run("--workers", "3")
    assert "생성 3" in out
    # The batch never changes settings at runtime: the web's streams keep their coalescing.
    assert settings.LLM_STREAM_COALESCE_MS == 100
    assert set(Reading.objects.filter(period="2026-11-25").values_list("generated_by", flat=True)) == {"ai"}
    assert all(fortunes_of(u) == 1 for u in users)
    assert BatchRun.objects.get().tokens_used > 0
    assert fake_llm.stats()["requests"] == daily_classes(users, TARGET)


def test_a_broken_profile_is_recorded_the_others_finish_and_exit_is_non_zero(
    receiver: str, settings: Any
) -> None:
    settings.DAILY_FORTUNE_WEBHOOK_URL = receiver
    good = [make_target(n=n) for n in range(3)]
    broken = make_target(n=9)
    Profile.objects.filter(user_id=broken).update(birth={"datetime": "1990-02-30T10:00"})
    with pytest.raises(CommandError) as raised:
        run()
    assert raised.value.returncode == 1
    assert "허용치" in str(raised.value)
    assert all(fortunes_of(u) == 1 for u in good)
    failure = BatchFailure.objects.get()
    assert failure.user_id == broken and failure.cause.startswith("INVALID_BIRTH")
    stored = BatchRun.objects.get()
    assert stored.status == BatchStatus.FAILED and stored.failed == 1
    assert list(stored.failures_by_cause) == [failure.cause]
    assert len(Receiver.received) == 1 and "실패 1" in str(Receiver.received[0]["text"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--date", "2026-13-01"], "--date"),
        (["--workers", "0"], "--workers"),
        (["--limit", "many"], "--limit"),
    ],
)
def test_bad_options_are_one_korean_line_and_exit_2(args: list[str], needle: str) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("generate_daily_fortunes", *args, stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert needle in str(raised.value)


@pytest.mark.slow
def test_cli_exit_status_2_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "generate_daily_fortunes", "--date", "어제"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "YYYY-MM-DD" in done.stderr
    assert "Traceback" not in done.stderr


def test_dry_run_finds_a_profile_that_cannot_make_a_chart() -> None:
    make_target(n=1)
    broken = make_target(n=2)
    Profile.objects.filter(user_id=broken).update(birth={"datetime": "1990-02-30T10:00"})
    with pytest.raises(CommandError):
        run("--dry-run")
    assert BatchFailure.objects.get().user_id == broken
    assert Reading.objects.count() == 0


class _Deadline(Exception):
    """What a signal handler raises, as Celery's soft time limit does (an Exception, not a BaseException)."""


@pytest.mark.parametrize("from_thread", [False, True], ids=["in-a-coroutine", "while-the-loop-waits"])
def test_a_signal_during_the_run_cancels_it_and_reaches_the_caller(from_thread: bool) -> None:
    def on_signal(signum: int, frame: object) -> None:
        raise _Deadline

    seen: list[type[BaseException]] = []

    async def main() -> None:
        try:
            if (
                from_thread
            ):  # the handler may then run from the loop's wake-up (uvloop used to log and drop it)
                await asyncio.get_running_loop().run_in_executor(None, os.kill, os.getpid(), signal.SIGUSR1)
            else:  # the handler then runs between two bytecodes of this coroutine
                os.kill(os.getpid(), signal.SIGUSR1)
            # The bound turns a lost signal into a failure instead of a hang; it is never reached otherwise.
            async with asyncio.timeout(30):
                await asyncio.Event().wait()
        except BaseException as exc:
            seen.append(type(exc))
            raise

    previous = signal.signal(signal.SIGUSR1, on_signal)
    try:
        with pytest.raises(_Deadline):
            run_async(main)
        assert signal.getsignal(signal.SIGUSR1) is on_signal  # the run put the handler back
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # and Ctrl-C's
    finally:
        signal.signal(signal.SIGUSR1, previous)
    # The coroutine was cancelled, not handed the handler's exception (the engine would have counted that as
    # one user's failure), and the run had unwound by the time the caller got the exception.
    assert seen == [asyncio.CancelledError]


def test_the_signals_exception_wins_over_what_the_unwinding_raises() -> None:
    def on_signal(signum: int, frame: object) -> None:
        # Like billiard's shutdown handler: it changes its own setting before it raises.
        signal.signal(signal.SIGUSR2, signal.SIG_IGN)
        raise _Deadline

    async def main() -> None:
        os.kill(os.getpid(), signal.SIGUSR2)
        try:
            async with asyncio.timeout(30):
                await asyncio.Event().wait()
        finally:
            raise RuntimeError("cleanup failed")  # e.g. a limiter that cannot close

    previous = signal.signal(signal.SIGUSR2, on_signal)
    try:
        with pytest.raises(_Deadline) as raised:
            run_async(main)
        assert isinstance(raised.value.__cause__, RuntimeError)  # kept, for the log
        assert signal.getsignal(signal.SIGUSR2) is signal.SIG_IGN  # the handler's own choice is kept
    finally:
        signal.signal(signal.SIGUSR2, previous)
