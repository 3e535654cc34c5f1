"""`generate_daily_fortunes --processes N`: one run split over several forked processes (PostgreSQL).

Forked children open their own connections to the same database, so this needs a database server:
the in-memory SQLite of the embedded-defaults pass cannot be shared between processes.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from tests.unse.fortunes.conftest import make_target
from unse.accounts.models import Profile
from unse.fortunes.batch.processes import split_targets
from unse.fortunes.daily import daily_cache_keys
from unse.fortunes.models import BatchRun, BatchStatus
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "2026-11-24"
TARGET = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("--processes needs a database server (the PostgreSQL pass runs this)")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_daily_fortunes", "--date", BASE, *args, stdout=out)
    return out.getvalue()


def fortune_count_by_user(user_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for user_id in user_ids:
        profile = Profile.objects.get(user_id=user_id, is_default=True)
        birth = {k: v for k, v in profile.birth.items() if k != "birthplace"}
        counts[user_id] = Reading.objects.filter(
            cache_key__in=daily_cache_keys(birth=birth, day=TARGET)
        ).count()
    return counts


def test_two_processes_give_every_user_exactly_one_fortune_in_one_run_record() -> None:
    users = [make_target(n=n) for n in range(9)]
    out = run("--workers", "4", "--processes", "2")
    assert "프로세스 2개" in out
    assert "생성 9" in out
    assert fortune_count_by_user(users) == {user: 1 for user in users}
    # Exactly one stored daily reading per chart: nothing generated twice by the two processes.
    per_chart = Counter(
        Reading.objects.filter(kind="daily", period="2026-11-25").values_list("fingerprint", flat=True)
    )
    assert len(per_chart) == 9 and set(per_chart.values()) == {1}
    stored = BatchRun.objects.get()
    assert (stored.status, stored.targets, stored.done, stored.failed) == (BatchStatus.SUCCEEDED, 9, 9, 0)
    assert stored.options["processes"] == 2

    again = run("--workers", "4", "--processes", "2")
    assert "건너뜀 9" in again
    assert fortune_count_by_user(users) == {user: 1 for user in users}


def test_limit_is_shared_between_processes_and_ranges_do_not_overlap() -> None:
    users = sorted(make_target(n=n) for n in range(7))
    ranges = split_targets(processes=3, total=7, user_id=None, limit=None)
    assert [r.count for r in ranges] == [3, 3, 1]
    assert ranges[0].first_id == users[0] and ranges[-1].last_id is None  # the last range is open-ended
    assert ranges[0].last_id is not None and ranges[0].last_id < ranges[1].first_id

    out = run("--workers", "2", "--processes", "3", "--limit", "5")
    assert "대상 5명" in out and "생성 5" in out
    assert sum(fortune_count_by_user(users).values()) == 5
    assert fortune_count_by_user(users[:5]) == {user: 1 for user in users[:5]}
