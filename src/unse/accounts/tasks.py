"""Celery tasks of the accounts part (ids in, one service call each)."""

from __future__ import annotations

from celery import shared_task

from unse.accounts.services import deletion as deletion_services
from unse.accounts.services import outbox as outbox_services


@shared_task(name="accounts.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    return outbox_services.outbox_deliver_due().sent


@shared_task(name="accounts.delete_unverified_users", ignore_result=True)
def delete_unverified_users(days: int) -> int:
    return deletion_services.unverified_users_delete(days=days)
