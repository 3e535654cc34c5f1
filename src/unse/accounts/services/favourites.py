"""즐겨찾기 날짜: dates a user cares about."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from saju.calendar import MAX_DATE, MIN_DATE
from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import Colour, FavouriteDate, User
from unse.core.errors import ErrorCode, ServiceError

MAX_FAVOURITES_PER_USER = 200


def _favourite_fields(
    *, day: date | None, label: str | None, memo: str | None, colour: str | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if day is not None:
        # The 일진 (and the 만세력 behind it) exists for 1900–2100 only; a date outside used to be saved and
        # then broke the favourites page and the export for good.
        if not MIN_DATE <= day <= MAX_DATE:
            raise ServiceError(
                ErrorCode.VALIDATION_ERROR,
                message=f"날짜는 {MIN_DATE.year}년부터 {MAX_DATE.year}년까지 고를 수 있습니다.",
                details={"field": "day"},
            )
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


def favourites_out_of_range_repair(*, dry_run: bool = False) -> int:
    """Rows saved before dates were checked: move each to the nearest supported date and keep the date the
    user typed in the memo (nothing is lost, and the row can be edited like any other). Returns the count."""
    rows = list(FavouriteDate.objects.exclude(day__range=(MIN_DATE, MAX_DATE)).only("pk", "day", "memo"))
    if dry_run:
        return len(rows)
    for row in rows:
        original = row.day
        row.day = MAX_DATE if original > MAX_DATE else MIN_DATE
        note = f"원래 날짜 {original.isoformat()}는 지원 범위(1900–2100년) 밖이라 {row.day.isoformat()}로 옮겼습니다."
        row.memo = f"{row.memo}\n{note}".strip()[:1000]
        row.save(update_fields=["day", "memo"])
    return len(rows)
