"""즐겨찾기 날짜: dates a user cares about."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import Colour, FavouriteDate, User
from unse.core.errors import ErrorCode, ServiceError

MAX_FAVOURITES_PER_USER = 200


def _favourite_fields(
    *, day: date | None, label: str | None, memo: str | None, colour: str | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if day is not None:
        fields["day"] = day
    if label is not None:
        if not label.strip():
            raise ServiceError(
                ErrorCode.VALIDATION_ERROR, message="이름을 입력해 주세요.", details={"field": "label"}
            )
        fields["label"] = label.strip()[:60]
    if memo is not None:
        fields["memo"] = memo[:1000]
    if colour is not None:
        if colour not in Colour.values:
            raise ServiceError(
                ErrorCode.VALIDATION_ERROR, message="색을 목록에서 골라 주세요.", details={"field": "colour"}
            )
        fields["colour"] = colour
    return fields


def favourite_create(
    *, user: User, day: date, label: str, memo: str = "", colour: str = Colour.BLUE
) -> FavouriteDate:
    if FavouriteDate.objects.filter(user=user).count() >= MAX_FAVOURITES_PER_USER:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=f"즐겨찾기 날짜는 {MAX_FAVOURITES_PER_USER}개까지 저장할 수 있습니다.",
        )
    fields = _favourite_fields(day=day, label=label, memo=memo, colour=colour)
    return FavouriteDate.objects.create(user=user, **fields)


def favourite_update(
    *,
    user: User,
    public_id: str | uuid.UUID,
    day: date | None = None,
    label: str | None = None,
    memo: str | None = None,
    colour: str | None = None,
) -> FavouriteDate:
    favourite = FavouriteDate.objects.filter(user=user, public_id=public_id_or_404(public_id)).first()
    if favourite is None:
        raise not_found()
    for name, value in _favourite_fields(day=day, label=label, memo=memo, colour=colour).items():
        setattr(favourite, name, value)
    favourite.save()
    return favourite


def favourite_delete(*, user: User, public_id: str | uuid.UUID) -> None:
    deleted, _ = FavouriteDate.objects.filter(user=user, public_id=public_id_or_404(public_id)).delete()
    if not deleted:
        raise not_found()
