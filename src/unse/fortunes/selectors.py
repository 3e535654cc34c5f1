"""Reads of the fortunes app: who gets a nightly fortune (the targets), in keyset-paginated pages.

Targets (this decides the nightly AI bill; docs/batch.md):
  * the account is active and not deleted,
  * it has a verified e-mail address (allauth `EmailAddress.verified`),
  * it visited within DAILY_FORTUNE_ACTIVE_DAYS days (`User.last_seen_at`),
  * its default profile (which always holds birth data) has the daily-fortune opt-in.
Pages are read by primary key (`pk > last seen pk ORDER BY pk LIMIT n`): no OFFSET, no server-side
cursor (works behind PgBouncer in transaction mode), constant memory for any number of users.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from unse.accounts.models import Profile, User
from unse.fortunes.models import BatchRun


def daily_target_queryset(*, now: datetime | None = None, user_id: int | None = None) -> QuerySet[User]:
    cutoff = (now or timezone.now()) - timedelta(days=settings.DAILY_FORTUNE_ACTIVE_DAYS)
    verified = EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True)
    opted_in = Profile.objects.filter(user_id=OuterRef("pk"), is_default=True, daily_fortune=True)
    users = User.objects.filter(is_active=True, deleted_at__isnull=True, last_seen_at__gte=cutoff)
    if user_id is not None:
        users = users.filter(pk=user_id)
    return users.filter(Exists(verified), Exists(opted_in))


def daily_target_count(*, target_date: date, user_id: int | None = None) -> int:
    del target_date  # the definition does not depend on the date (kept for a stable signature)
    return daily_target_queryset(user_id=user_id).count()


def daily_target_id_pages(
    *, page_size: int, user_id: int | None = None, first_id: int | None = None, last_id: int | None = None
) -> Iterator[list[int]]:
    """Synchronous keyset pages of target user ids (Celery fan-out)."""
    users = daily_target_queryset(user_id=user_id)
    if last_id is not None:
        users = users.filter(pk__lte=last_id)
    after = (first_id - 1) if first_id is not None else 0
    while True:
        page = list(users.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:page_size])
        if not page:
            return
        yield page
        after = page[-1]


async def daily_target_pages(
    *,
    target_date: date,
    page_size: int,
    user_id: int | None = None,
    first_id: int | None = None,
    last_id: int | None = None,
) -> AsyncIterator[list[int]]:
    """The same pages for the async engine (async ORM; one short query per page)."""
    del target_date
    users = daily_target_queryset(user_id=user_id)
    if last_id is not None:
        users = users.filter(pk__lte=last_id)
    after = (first_id - 1) if first_id is not None else 0
    while True:
        page = [
            pk
            async for pk in users.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:page_size]
        ]
        if not page:
            return
        yield page
        after = page[-1]


def delivery_recipient_id_pages(*, page_size: int) -> Iterator[list[int]]:
    """Morning e-mail recipients: the same targets (opt-in, verified e-mail, active)."""
    return daily_target_id_pages(page_size=page_size)


def batch_run_latest() -> BatchRun | None:
    """The most recently started run (the console's status page)."""
    return BatchRun.objects.order_by("-started_at").first()


def batch_run_last_finished() -> BatchRun | None:
    """The most recently finished run (the alert gauges)."""
    return BatchRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
