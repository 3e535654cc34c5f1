"""Celery tasks of the accounts part (ids in, one service call each)."""

from __future__ import annotations

from celery import shared_task

from unse.accounts import services


@shared_task(name="accounts.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    return services.outbox_deliver_due().sent


@shared_task(name="accounts.delete_unverified_users", ignore_result=True)
def delete_unverified_users(days: int) -> int:
    return services.unverified_users_delete(days=days)
