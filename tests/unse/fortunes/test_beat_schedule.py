"""The one Celery beat schedule carries every part's periodic jobs (batch, accounts, ops)."""

from __future__ import annotations

from config.celery import app


def test_beat_schedule_runs_the_accounts_batch_and_ops_jobs() -> None:
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "accounts.deliver_outbox",
        "accounts.delete_unverified_users",
        "fortunes.fan_out_daily_fortunes",
        "fortunes.send_morning_fortunes",
        "ops.purge_expired",
    } <= tasks


def test_unverified_account_purge_gets_its_day_count() -> None:
    from django.conf import settings

    entry = next(
        e for e in app.conf.beat_schedule.values() if e["task"] == "accounts.delete_unverified_users"
    )
    assert entry["args"] == (settings.UNVERIFIED_ACCOUNT_DAYS,)
