"""The user's statistics page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from unse.accounts.models import (
    ActivityEvent,
    ActivityKind,
    FavouriteDate,
    Profile,
    SavedReading,
    Share,
    User,
)

RECENT_ACTIVITY = 10


@dataclass(frozen=True, slots=True)
class UserStats:
    readings: int
    # Days (KST) on which the daily fortune was viewed: DAILY_VIEWED is recorded once per user and day.
    daily_fortunes: int
    saved_readings: int
    shares: int
    profiles: int
    favourites: int
    member_since: datetime
    recent: tuple[tuple[str, datetime], ...]


def user_stats(*, user: User) -> UserStats:
    counts = dict(
        ActivityEvent.objects.filter(user=user)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    recent = tuple(
        (ActivityKind(kind).label, at)
        for kind, at in ActivityEvent.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("kind", "created_at")[:RECENT_ACTIVITY]
    )
    saved, shares = _saved_and_share_counts(user.pk)
    return UserStats(
        readings=counts.get(ActivityKind.READING_CREATED, 0),
        daily_fortunes=counts.get(ActivityKind.DAILY_VIEWED, 0),
        saved_readings=saved,
        shares=shares,
        profiles=Profile.objects.filter(user=user).count(),
        favourites=FavouriteDate.objects.filter(user=user).count(),
        member_since=user.date_joined,
        recent=recent,
    )


def _saved_and_share_counts(user_id: int) -> tuple[int, int]:
    return (
        SavedReading.objects.filter(user_id=user_id).count(),
        Share.objects.filter(saved__user_id=user_id, revoked_at__isnull=True).count(),
    )
