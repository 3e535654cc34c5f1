"""The nightly batch by daily class (issue 19): one provider call per day signature, honest counts, and one
undecryptable profile is that user's failure, not the run's."""

from __future__ import annotations

import io
import random
import secrets
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.reading.signature import day_signature, signature_key
from tests.unse.fortunes.conftest import make_target
from unse.accounts.models import Profile
from unse.fortunes.models import BatchFailure, BatchRun, BatchStatus
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "2026-11-24"
TARGET = date(2026, 11, 25)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_daily_fortunes", "--date", BASE, *args, stdout=out)
    return out.getvalue()


def births_by_class(count: int = 400) -> list[list[dict[str, object]]]:
    """Distinct random births grouped by their day signature on TARGET, biggest class first."""
    rng = random.Random(secrets.randbits(32))
    classes: dict[str, list[dict[str, object]]] = defaultdict(list)
    for _ in range(count):
        day = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        birth: dict[str, object] = {
            "datetime": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}",
            "gender": "female",
        }
        chart = chart_from_birth(BirthInput.from_mapping(birth))
        classes[signature_key(day_signature(chart, analyze(chart, reference=TARGET), TARGET))].append(birth)
    return sorted(classes.values(), key=len, reverse=True)


def test_one_provider_call_per_class_and_the_summary_counts_calls(fake_llm: Any, settings: Any) -> None:
    settings.LLM_PROVIDERS = [fake_llm.provider_entry(name=f"fake-{secrets.token_hex(4)}")]
    settings.AI_DAILY_TOKEN_BUDGET = 10**12
    classes = births_by_class()
    chosen = [*classes[0][:4], *classes[1][:3], classes[2][0]]  # 8 people, 3 classes
    users = [make_target(n=n, birth=birth) for n, birth in enumerate(chosen)]

    dry = run("--dry-run", "--workers", "4")
    assert "생성 예정 8명" in dry and "서로 다른 오늘의 유형(일진 서명) 3개" in dry
    assert f"예상 토큰 약 {3 * settings.DAILY_FORTUNE_TOKENS_ESTIMATE:,}" in dry
    assert fake_llm.stats()["requests"] == 0

    out = run("--workers", "8")
    assert "생성 8" in out and "AI 호출 3회" in out
    assert fake_llm.stats()["requests"] == 3
    assert Reading.objects.filter(kind="daily", period=TARGET.isoformat()).count() == 3
    stored = BatchRun.objects.filter(dry_run=False).get()
    assert (stored.done, stored.ai_calls, stored.failed) == (8, 3, 0) and stored.tokens_used > 0
    assert BatchRun.objects.filter(dry_run=True).get().classes == 3

    again = run()
    assert "건너뜀 8" in again and "AI 호출 0회" in again
    assert fake_llm.stats()["requests"] == 3
    assert len(users) == 8


def test_an_undecryptable_profile_is_that_users_failure_and_the_run_goes_on(settings: Any) -> None:
    settings.DAILY_FORTUNE_MAX_FAILURE_SHARE = 0.5
    users = [make_target(n=n) for n in range(9)]
    broken = users[4]
    with connection.cursor() as cursor:
        table = Profile._meta.db_table
        cursor.execute(f"UPDATE {table} SET birth = %s WHERE user_id = %s", ["gAAAAA-not-a-token", broken])  # noqa: S608
    out = run("--workers", "3")
    assert "생성 8" in out and "실패 1" in out and "UNDECRYPTABLE_PROFILE 1" in out
    failure = BatchFailure.objects.get()
    assert failure.user_id == broken and failure.cause == "UNDECRYPTABLE_PROFILE"
    stored = BatchRun.objects.get()
    assert stored.status == BatchStatus.SUCCEEDED and (stored.done, stored.failed) == (8, 1)
