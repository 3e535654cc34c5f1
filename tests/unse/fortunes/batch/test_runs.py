"""Run records of a killed batch (no heartbeat) are marked interrupted by the next run; the token-budget
guard says clearly what happened and what to do."""

from __future__ import annotations

import io
import secrets
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.unse.fortunes.conftest import make_target
from unse.fortunes.models import BatchFailure, BatchRun, BatchSource, BatchStatus
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "2026-11-24"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_daily_fortunes", "--date", BASE, *args, stdout=out)
    return out.getvalue()


def running_row(*, source: str, silent_for: timedelta) -> BatchRun:
    """A RUNNING row as a process leaves it when it is killed with SIGKILL (nothing closes it)."""
    row = BatchRun.objects.create(
        source=source, base_date=date(2026, 11, 23), target_date=date(2026, 11, 24), options={}
    )
    BatchRun.objects.filter(pk=row.pk).update(heartbeat_at=timezone.now() - silent_for)
    return row


def test_a_killed_run_is_marked_interrupted_by_the_next_run_and_shown_in_its_summary(settings: Any) -> None:
    settings.DAILY_FORTUNE_STALE_SECONDS = 300
    make_target(n=1)
    killed = running_row(source=BatchSource.COMMAND, silent_for=timedelta(minutes=10))
    alive = running_row(source=BatchSource.COMMAND, silent_for=timedelta(seconds=20))
    # A Celery run only beats per chunk; it gets at least visibility timeout + time limit.
    celery_quiet = running_row(source=BatchSource.CELERY, silent_for=timedelta(minutes=10))

    out = run()
    assert f"#{killed.pk}" in out and "중단됨(응답 없음)" in out
    killed.refresh_from_db()
    assert killed.status == BatchStatus.INTERRUPTED and killed.finished_at is not None
    assert BatchRun.objects.get(pk=alive.pk).status == BatchStatus.RUNNING
    assert BatchRun.objects.get(pk=celery_quiet.pk).status == BatchStatus.RUNNING
    new = BatchRun.objects.latest("pk")
    assert new.status == BatchStatus.SUCCEEDED and new.options["interrupted_runs"] == [killed.pk]
    assert new.heartbeat_at is not None

    # Marked once: the next run has nothing left to mark.
    assert "중단됨(응답 없음)" not in run()


def test_a_spent_token_budget_stops_the_calls_with_a_clear_message(fake_llm: Any, settings: Any) -> None:
    settings.LLM_PROVIDERS = [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(4)}")]
    settings.AI_DAILY_TOKEN_BUDGET = 1
    for n in range(4):
        make_target(n=n)
    with pytest.raises(CommandError) as raised:
        run("--workers", "1")
    assert raised.value.returncode == 1
    stored = BatchRun.objects.get()
    assert stored.failures_by_cause.get("AI_QUOTA", 0) >= 3
    failure = BatchFailure.objects.filter(run=stored, cause="AI_QUOTA").first()
    assert failure is not None and "AI_DAILY_TOKEN_BUDGET" in failure.message
    # At most the first call got through before the budget was spent.
    assert Reading.objects.filter(kind="daily", generated_by="ai").count() <= 1
    assert fake_llm.stats()["requests"] <= 1


def test_the_budget_warning_and_the_quota_line_are_printed(fake_llm: Any, settings: Any) -> None:
    settings.LLM_PROVIDERS = [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(4)}")]
    settings.AI_DAILY_TOKEN_BUDGET = 1
    settings.DAILY_FORTUNE_MAX_FAILURE_SHARE = 1.0  # keep the exit status 0 to read the whole output
    for n in range(3):
        make_target(n=n)
    out = run("--workers", "1")
    assert "경고: 오늘 남은 AI 토큰 예산" in out
    assert "하루 AI 토큰 예산(AI_DAILY_TOKEN_BUDGET)이 소진되어" in out
