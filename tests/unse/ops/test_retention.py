"""Retention: readings nobody saved and staff logs are purged after their configured number of days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.unse.readings.factories import ReadingFactory
from unse.accounts.models import AdminAccessLog, SavedReading
from unse.fortunes.models import BatchFailure, BatchRun, BatchSource, BatchStatus
from unse.ops.models import AuditEntry
from unse.ops.tasks import purge_expired
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db


def _reading(key: str, age_days: int) -> Reading:
    reading = ReadingFactory(cache_key=key, text="풀이")
    Reading.objects.filter(pk=reading.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return reading


@pytest.fixture
def aged_data(django_user_model: Any) -> dict[str, Any]:
    user = django_user_model.objects.create_user("u", "u@example.com", "pw")
    old, saved_old, fresh = _reading("a" * 64, 120), _reading("b" * 64, 120), _reading("c" * 64, 5)
    SavedReading.objects.create(
        user=user,
        reading=saved_old,
        title="보관",
        kind="saju",
        fingerprint="f" * 64,
        text="풀이",
        generated_by="ai",
    )
    old_log = AdminAccessLog.objects.create(staff_username="s", action="view", model_label="x", path="/")
    AdminAccessLog.objects.filter(pk=old_log.pk).update(created_at=timezone.now() - timedelta(days=800))
    AdminAccessLog.objects.create(staff_username="s", action="view", model_label="x", path="/")
    AuditEntry.objects.all().delete()  # the access-log mirror rows; the ones below are the test's
    old_audit = AuditEntry.objects.create(actor_username="s", source="console", action="switch.set")
    AuditEntry.objects.filter(pk=old_audit.pk).update(created_at=timezone.now() - timedelta(days=800))
    run = BatchRun.objects.create(
        source=BatchSource.COMMAND,
        status=BatchStatus.SUCCEEDED,
        base_date=date(2026, 1, 1),
        target_date=date(2026, 1, 2),
        finished_at=timezone.now() - timedelta(days=300),
    )
    BatchRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(days=300))
    BatchFailure.objects.create(run=run, user_id=1, cause="AI")
    return {"old": old, "saved_old": saved_old, "fresh": fresh, "run": run}


def test_purge_deletes_only_what_outlived_its_period(
    aged_data: dict[str, Any], settings: Any, capsys: Any
) -> None:
    settings.RETENTION_READINGS_DAYS = 90
    settings.RETENTION_BATCH_SIZE = 1  # several batches
    call_command("purge_expired", "--dry-run")
    assert "저장되지 않은 풀이: 1개 삭제 예정" in capsys.readouterr().out
    assert Reading.objects.count() == 3

    call_command("purge_expired")
    out = capsys.readouterr().out
    assert "저장되지 않은 풀이: 1개 삭제" in out and "관리자 열람 기록: 1개 삭제" in out
    remaining = set(Reading.objects.values_list("pk", flat=True))
    assert remaining == {aged_data["saved_old"].pk, aged_data["fresh"].pk}  # saved and recent ones stay
    assert AdminAccessLog.objects.count() == 1
    assert not BatchRun.objects.filter(pk=aged_data["run"].pk).exists() and not BatchFailure.objects.exists()
    purge = AuditEntry.objects.get(action="retention.purge")
    assert purge.after == {"readings": 1, "staff_access_logs": 1, "audit_entries": 1, "batch_runs": 1}
    # A second run finds nothing more (the Celery task is the same service).
    assert purge_expired() == {"readings": 0, "staff_access_logs": 0, "audit_entries": 0, "batch_runs": 0}


def test_zero_days_keeps_forever_and_bad_days_are_a_one_line_error(
    aged_data: dict[str, Any], capsys: Any
) -> None:
    call_command("purge_expired", "--readings-days", "0", "--staff-log-days", "0", "--batch-run-days", "0")
    assert Reading.objects.count() == 3 and AdminAccessLog.objects.count() == 2
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "purge_expired", "--readings-days", "-3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "일수는 0 이상의 정수여야 합니다" in result.stderr and "Traceback" not in result.stderr
