"""즐겨찾기 날짜 with their D-day and 일진 against the default profile's day pillar."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from saju.analysis.relations import branch_pair_relations, stem_pair_relations
from saju.analysis.tengods import ten_god
from saju.birth import BirthInput
from saju.calendar import day_pillar
from saju.chart import chart_from_birth
from saju.core import Pillar
from saju.errors import SajuError
from unse.accounts.ids import not_found, public_id_or_404
from unse.accounts.models import FavouriteDate, Profile
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_default_get
from unse.core.clock import kst_today


@dataclass(frozen=True, slots=True)
class Iljin:
    """That day's 일진 and how it meets the default profile's day pillar (no pillar outside 1900–2100)."""

    pillar_hanja: str | None
    pillar_hangul: str | None
    profile_label: str | None
    ten_god: str | None
    relations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FavouriteView:
    favourite: FavouriteDate
    d_day: int
    d_day_label: str
    iljin: Iljin


def d_day_label(days: int) -> str:
    if days == 0:
        return "D-day"
    return f"D-{days}" if days > 0 else f"D+{-days}"


def _natal_day_pillar(profile: Profile | None) -> Pillar | None:
    if profile is None:
        return None
    try:
        return chart_from_birth(BirthInput.from_mapping(profile_birth_mapping(profile=profile))).day
    except SajuError:
        return None


def iljin_for(*, day: date, natal_day: Pillar | None, profile_label: str | None) -> Iljin:
    try:
        pillar = day_pillar(day)
    except SajuError:  # a row saved before dates were checked (outside 1900–2100): shown, editable, deletable
        return Iljin(None, None, None, None, ())
    if natal_day is None:
        return Iljin(pillar.hanja, pillar.hangul, None, None, ())
    kinds = stem_pair_relations(natal_day.stem, pillar.stem) + branch_pair_relations(
        natal_day.branch, pillar.branch
    )
    return Iljin(
        pillar_hanja=pillar.hanja,
        pillar_hangul=pillar.hangul,
        profile_label=profile_label,
        ten_god=ten_god(natal_day.stem, pillar.stem).value,
        relations=tuple(kind.value for kind in kinds),
    )


def favourite_views(*, user_id: int, today: date | None = None) -> list[FavouriteView]:
    """Two queries whatever the number of favourites: the favourites and the default profile."""
    today = today or kst_today()
    favourites = list(FavouriteDate.objects.filter(user_id=user_id).order_by("day", "id"))
    default = profile_default_get(user_id=user_id) if favourites else None
    natal_day = _natal_day_pillar(default)
    label = default.label if default is not None else None
    return [
        FavouriteView(
            favourite=fav,
            d_day=(fav.day - today).days,
            d_day_label=d_day_label((fav.day - today).days),
            iljin=iljin_for(day=fav.day, natal_day=natal_day, profile_label=label),
        )
        for fav in favourites
    ]


def favourite_get(*, user_id: int, public_id: str | uuid.UUID) -> FavouriteDate:
    favourite = FavouriteDate.objects.filter(user_id=user_id, public_id=public_id_or_404(public_id)).first()
    if favourite is None:
        raise not_found()
    return favourite
