"""Profiles, and the default profile (the hottest personal read: one statement, unse.core.fastread)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import BIRTHPLACE_KEY, Profile
from unse.core.fastread import FieldsReader

# Every concrete field: the dashboard, the favourites' 일진 and /today read different ones of it.
_DEFAULT_PROFILE = FieldsReader(Profile, {field.attname for field in Profile._meta.concrete_fields})


def profile_list(*, user_id: int) -> QuerySet[Profile]:
    return Profile.objects.filter(user_id=user_id).order_by("-is_default", "created_at", "id")


def profile_get(*, user_id: int, public_id: str | uuid.UUID) -> Profile:
    profile = Profile.objects.filter(user_id=user_id, public_id=public_id_or_404(public_id)).first()
    if profile is None:
        raise not_found()
    return profile


def profile_default_get(*, user_id: int) -> Profile | None:
    """The user's default profile (at most one: a unique constraint), birth decrypted. The logged-in
    /api/v1/fortunes/today reads it on every request: one statement built from `_meta` (≈ 0.1 ms against
    ≈ 0.6 ms of ORM query building, BENCHMARKS.md "Cached path"), held to the ORM's answer by a test."""
    rows = _DEFAULT_PROFILE.filter_equal(user_id=user_id, is_default=True)
    return rows[0] if rows else None


def profile_birth_mapping(*, profile: Profile) -> dict[str, object]:
    """The engine's input mapping of a profile (without the birthplace, which the engine does not take)."""
    return {key: value for key, value in dict(profile.birth).items() if key != BIRTHPLACE_KEY}


def default_profiles_of(*, user_ids: list[int]) -> QuerySet[Profile]:
    """The default profiles of these users (one query; the nightly batch prepares a page with it)."""
    return Profile.objects.filter(user_id__in=user_ids, is_default=True)
