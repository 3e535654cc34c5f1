"""The user's own activity, for their statistics page."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Exists, OuterRef
from django.utils import timezone

from unse.accounts.models import ActivityEvent, ActivityKind, User
from unse.core.clock import KST
from unse.core.db import db_call
from unse.core.process import on_process_reset
from unse.readings.keys import Kind

# DAILY_VIEWED is recorded once per user per KST day: the statistics page counts the days a user looked at
# their daily fortune ("오늘의 운세를 본 날"), and the recent-activity list is not flooded by reloads. The memo
# (user id -> KST day last recorded by this process) makes every later view of the day free: no query at
# all on the logged-in /api/v1/fortunes/today hot path (BENCHMARKS.md "Cached path"). Bounded: cleared
# when it grows past the cap (the next view of each user then costs one read again).
_DAILY_MEMO_CAP = 100_000


_daily_recorded: dict[int, date] = {}


def activity_record(*, user_id: int, kind: ActivityKind) -> None:
    """Called by the readings/fortunes parts (e.g. READING_CREATED, DAILY_VIEWED); never raises on a gone user."""
    if kind == ActivityKind.DAILY_VIEWED:
        _daily_viewed_record(user_id)
    elif User.objects.filter(pk=user_id, deleted_at__isnull=True).exists():
        ActivityEvent.objects.create(user_id=user_id, kind=kind)


def _daily_viewed_record(user_id: int) -> None:
    now = timezone.now()
    day = now.astimezone(KST).date()
    if _daily_recorded.get(user_id) == day:
        return
    day_start = datetime.combine(day, time.min, tzinfo=KST)
    already = ActivityEvent.objects.filter(
        user_id=OuterRef("pk"), kind=ActivityKind.DAILY_VIEWED, created_at__gte=day_start
    )
    # One read decides both "the user exists" and "not yet recorded today" (another worker may have recorded
    # it: the memo is per process). Two workers' first views within the same millisecond could both insert;
    # the page would then count that day twice — accepted, no unique constraint for a statistic.
    if User.objects.filter(pk=user_id, deleted_at__isnull=True).exclude(Exists(already)).exists():
        ActivityEvent.objects.create(user_id=user_id, kind=ActivityKind.DAILY_VIEWED)
    if len(_daily_recorded) >= _DAILY_MEMO_CAP:
        _daily_recorded.clear()
    _daily_recorded[user_id] = day


on_process_reset("accounts.activity.daily_memo", _daily_recorded.clear)


async def reading_requested_record(user_id: int, kind: Kind) -> None:
    """Listener of `unse.readings.signals.reading_requested` (registered in AccountsConfig.ready): a logged-in
    user's reading request counts as READING_CREATED, a daily one as DAILY_VIEWED."""
    activity = ActivityKind.DAILY_VIEWED if kind is Kind.DAILY else ActivityKind.READING_CREATED
    await db_call(activity_record, user_id=user_id, kind=activity)
