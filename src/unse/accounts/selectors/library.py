"""보관함 pages and share links (owner-scoped), and the public page behind a share link."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import SavedReading, Share
from unse.accounts.redact import day_master_of, redacted_summary
from unse.core.errors import ErrorCode, ServiceError


@dataclass(frozen=True, slots=True)
class Page:
    items: Sequence[SavedReading]
    number: int
    pages: int
    total: int


def saved_reading_page(*, user_id: int, page: int = 1, per_page: int | None = None) -> Page:
    """Newest first; two queries (count + page) whatever the page length — no N+1 on profile or shares."""
    per_page = per_page or settings.ACCOUNTS_PAGE_SIZE
    qs = SavedReading.objects.filter(user_id=user_id)
    total = qs.count()
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    start = (number - 1) * per_page
    items = list(
        qs.select_related("profile")
        .annotate(active_shares=Count("shares", filter=Q(shares__revoked_at__isnull=True)))
        .defer("text")
        .order_by("-created_at", "-id")[start : start + per_page]
    )
    return Page(items=items, number=number, pages=pages, total=total)


def saved_reading_get(*, user_id: int, public_id: str | uuid.UUID) -> SavedReading:
    saved = (
        SavedReading.objects.filter(user_id=user_id, public_id=public_id_or_404(public_id))
        .select_related("profile")
        .first()
    )
    if saved is None:
        raise not_found()
    return saved


def share_list(*, user_id: int, saved_id: int | None = None) -> list[Share]:
    qs = Share.objects.filter(saved__user_id=user_id, revoked_at__isnull=True).select_related("saved")
    if saved_id is not None:
        qs = qs.filter(saved_id=saved_id)
    return list(qs.order_by("-created_at", "-id"))


def share_get_public(*, token: str) -> Share:
    """The shared page's lookup: by token only, live shares of live accounts; anything else is 404."""
    share = (
        Share.objects.filter(token=token, revoked_at__isnull=True, saved__user__deleted_at__isnull=True)
        .select_related("saved", "saved__profile")
        .first()
    )
    if share is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message="공유가 끝났거나 없는 링크입니다.")
    return share


def shared_birth(share: Share) -> dict[str, Any] | None:
    """Birth data on a shared page: only when the owner opted in for this link, and only date/time/calendar."""
    profile = share.saved.profile
    if not share.include_birth or profile is None:
        return None
    birth = dict(profile.birth)
    return {
        "datetime": birth.get("datetime"),
        "calendar": birth.get("calendar"),
        "leap": birth.get("leap", False),
        "time_unknown": birth.get("time_unknown", False),
    }


@dataclass(frozen=True, slots=True)
class SharedReading:
    """What a share page shows. Without the owner's opt-in (`include_birth`): a generic title, no pillars,
    the day master at most, and only the summary sentences that reveal nothing else (unse.accounts.redact)."""

    title: str
    text: str  # Markdown (sanitized at save time)
    pillars: dict[str, str] | None
    day_master: str | None  # "경(庚)"
    birth: dict[str, Any] | None
    ai_generated: bool
    redacted: bool


REDACTED_TITLE = "공유된 사주 풀이"


def shared_reading(share: Share) -> SharedReading:
    saved = share.saved
    ai_generated = saved.generated_by == "ai"
    if share.include_birth:
        return SharedReading(
            title=saved.title,
            text=saved.text,
            pillars=dict(saved.pillars),
            day_master=None,
            birth=shared_birth(share),
            ai_generated=ai_generated,
            redacted=False,
        )
    stem = day_master_of(dict(saved.pillars))
    return SharedReading(
        title=REDACTED_TITLE,
        text=redacted_summary(saved.text, day_master=stem),
        pillars=None,
        day_master=f"{stem.hangul}({stem.value})" if stem else None,
        birth=None,
        ai_generated=ai_generated,
        redacted=True,
    )


def saved_reading_ids() -> QuerySet[SavedReading, int]:
    """Ids of the stored readings someone keeps in their library (the retention purge keeps those)."""
    return SavedReading.objects.filter(reading__isnull=False).values_list("reading_id", flat=True)
