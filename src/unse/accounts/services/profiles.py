"""Profiles: the people whose charts a user keeps (birth data encrypted, one default per user)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import transaction

from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.errors import SajuError
from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import BIRTHPLACE_KEY, ActivityEvent, ActivityKind, Profile, Relation, User
from unse.core.errors import ErrorCode, ServiceError

MAX_PROFILES_PER_USER = 30


def birth_normalize(*, birth: Mapping[str, object]) -> dict[str, object]:
    """Validate through the engine and return its normalized mapping; bad input → VALIDATION_ERROR."""
    try:
        parsed = BirthInput.from_mapping(birth)
        chart_from_birth(parsed)
    except SajuError as exc:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=exc.message, details={"engine_code": exc.code}
        ) from exc
    return dict(parsed.to_mapping())


def _profile_get_for_update(*, user: User, public_id: str | uuid.UUID) -> Profile:
    profile = (
        Profile.objects.select_for_update().filter(user=user, public_id=public_id_or_404(public_id)).first()
    )
    if profile is None:
        raise not_found()
    return profile


def _make_default(*, user: User, profile: Profile) -> None:
    # Clear first: the partial unique index allows only one default per user at any instant.
    Profile.objects.filter(user=user, is_default=True).exclude(pk=profile.pk).update(is_default=False)
    if not profile.is_default:
        profile.is_default = True
        profile.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def profile_create(
    *,
    user: User,
    label: str,
    birth: Mapping[str, object],
    relation: str = Relation.SELF,
    birthplace: str = "",
    is_default: bool = False,
    daily_fortune: bool = False,
) -> Profile:
    if relation not in Relation.values:
        raise ServiceError(ErrorCode.VALIDATION_ERROR, details={"field": "relation"})
    label = label.strip()
    if not label:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message="이름(별칭)을 입력해 주세요.", details={"field": "label"}
        )
    stored = birth_normalize(birth=birth)
    if birthplace.strip():
        stored[BIRTHPLACE_KEY] = birthplace.strip()[:60]
    # Lock the user's row so two concurrent creations cannot both become "the first" default.
    User.objects.select_for_update().filter(pk=user.pk).first()
    count = Profile.objects.filter(user=user).count()
    if count >= MAX_PROFILES_PER_USER:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=f"프로필은 {MAX_PROFILES_PER_USER}개까지 만들 수 있습니다."
        )
    profile = Profile.objects.create(
        user=user, label=label[:40], relation=relation, birth=stored, daily_fortune=daily_fortune
    )
    if is_default or count == 0:
        _make_default(user=user, profile=profile)
    ActivityEvent.objects.create(user=user, kind=ActivityKind.PROFILE_CREATED)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    public_id: str | uuid.UUID,
    label: str | None = None,
    relation: str | None = None,
    birth: Mapping[str, object] | None = None,
    birthplace: str | None = None,
    is_default: bool | None = None,
    daily_fortune: bool | None = None,
) -> Profile:
    profile = _profile_get_for_update(user=user, public_id=public_id)
    if label is not None:
        if not label.strip():
            raise ServiceError(
                ErrorCode.VALIDATION_ERROR, message="이름(별칭)을 입력해 주세요.", details={"field": "label"}
            )
        profile.label = label.strip()[:40]
    if relation is not None:
        if relation not in Relation.values:
            raise ServiceError(ErrorCode.VALIDATION_ERROR, details={"field": "relation"})
        profile.relation = relation
    stored = dict(profile.birth)
    if birth is not None:
        place = stored.get(BIRTHPLACE_KEY)
        stored = birth_normalize(birth=birth)
        if place:
            stored[BIRTHPLACE_KEY] = place
    if birthplace is not None:
        stored.pop(BIRTHPLACE_KEY, None)
        if birthplace.strip():
            stored[BIRTHPLACE_KEY] = birthplace.strip()[:60]
    profile.birth = stored
    if daily_fortune is not None:
        profile.daily_fortune = daily_fortune
    profile.save()
    if is_default:
        _make_default(user=user, profile=profile)
    return profile


@transaction.atomic
def profile_set_default(*, user: User, public_id: str | uuid.UUID) -> Profile:
    profile = _profile_get_for_update(user=user, public_id=public_id)
    _make_default(user=user, profile=profile)
    return profile


@transaction.atomic
def profile_delete(*, user: User, public_id: str | uuid.UUID) -> None:
    profile = _profile_get_for_update(user=user, public_id=public_id)
    was_default = profile.is_default
    profile.delete()
    if was_default:
        successor = Profile.objects.filter(user=user).order_by("created_at", "id").first()
        if successor is not None:
            _make_default(user=user, profile=successor)
