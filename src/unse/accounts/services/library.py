"""보관함 (saved copies of readings) and their revocable share links."""

from __future__ import annotations

import uuid

from django.db import models, transaction
from django.utils import timezone

from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import ActivityEvent, ActivityKind, Profile, SavedReading, Share, User
from unse.core.errors import ErrorCode, ServiceError
from unse.readings.keys import Kind
from unse.readings.pair import fill_roles
from unse.readings.selectors import reading_get

KIND_TITLES = {"saju": "사주 풀이", "daily": "오늘의 운세", "gunghap": "궁합 풀이"}
MAX_SAVED_PER_USER = 1000


def saved_reading_create(
    *,
    user: User,
    reading_public_id: str,
    profile_public_id: str | uuid.UUID | None = None,
    title: str = "",
    memo: str = "",
    roles: str = "",
) -> SavedReading:
    """Copy a stored reading into the user's library (its text and pillars; never raw birth data).

    A 궁합 text names the people `[A]님` / `[B]님` in the pair's canonical order; `roles` ("ab", or "ba"
    when the page's A is the text's B) fills them in as the user saw them. A 궁합 copies no pillars (the
    other person's chart is kept only if the user saves them as a profile)."""
    reading = reading_get(public_id=reading_public_id)
    profile = None
    if profile_public_id:
        profile = Profile.objects.filter(user=user, public_id=public_id_or_404(profile_public_id)).first()
        if profile is None:
            raise not_found()
    if SavedReading.objects.filter(user=user).count() >= MAX_SAVED_PER_USER:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=f"보관함에는 {MAX_SAVED_PER_USER}개까지 저장할 수 있습니다."
        )
    pillars = reading.facts.get("사주", {}) if isinstance(reading.facts, dict) else {}
    text = reading.text
    if reading.kind == Kind.GUNGHAP.value:
        text = fill_roles(text, ("B", "A") if roles == "ba" else ("A", "B"))
        pillars = {}
    default_title = KIND_TITLES.get(reading.kind, "풀이")
    if profile is not None:
        default_title = f"{profile.label} · {default_title}"
    with transaction.atomic():
        saved = SavedReading.objects.create(
            user=user,
            reading=reading,
            profile=profile,
            title=(title.strip() or default_title)[:80],
            kind=reading.kind,
            topic=reading.topic,
            fingerprint=reading.fingerprint,
            pillars=pillars,
            text=text,
            generated_by=reading.generated_by,
            memo=memo[:1000],
        )
        ActivityEvent.objects.create(user=user, kind=ActivityKind.READING_SAVED)
    return saved


def saved_reading_delete(*, user: User, public_id: str | uuid.UUID) -> None:
    deleted, _ = SavedReading.objects.filter(user=user, public_id=public_id_or_404(public_id)).delete()
    if not deleted:
        raise not_found()


def share_create(*, user: User, saved_public_id: str | uuid.UUID, include_birth: bool = False) -> Share:
    saved = SavedReading.objects.filter(user=user, public_id=public_id_or_404(saved_public_id)).first()
    if saved is None:
        raise not_found()
    with transaction.atomic():
        share = Share.objects.create(saved=saved, include_birth=include_birth)
        ActivityEvent.objects.create(user=user, kind=ActivityKind.SHARE_CREATED)
    return share


def share_revoke(*, user: User, public_id: str | uuid.UUID) -> Share:
    """Revoke by the management id (never by the token); revoking twice is harmless."""
    share = Share.objects.filter(saved__user=user, public_id=public_id_or_404(public_id)).first()
    if share is None:
        raise not_found()
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def share_record_view(*, share_id: int) -> None:
    Share.objects.filter(pk=share_id).update(view_count=models.F("view_count") + 1)
