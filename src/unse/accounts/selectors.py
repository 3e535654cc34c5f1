"""Reads of the accounts part: keyword-only, typed, owner-scoped, a fixed number of queries per call."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core import serializers
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from unse.accounts.models import (
    ActivityEvent,
    ActivityKind,
    ConsentRecord,
    FavouriteDate,
    GuardianConsent,
    PersonalApiKey,
    Profile,
    SavedReading,
    Share,
    User,
)
from unse.core.errors import ErrorCode, ServiceError

BIRTHPLACE_KEY = "birthplace"
RECENT_ACTIVITY = 10
MASK = "•" * 8


def _uuid_or_404(public_id: str | uuid.UUID) -> uuid.UUID:
    if isinstance(public_id, uuid.UUID):
        return public_id
    try:
        return uuid.UUID(str(public_id))
    except ValueError as exc:
        raise ServiceError(ErrorCode.NOT_FOUND) from exc


def today_kst() -> date:
    return timezone.localdate()


# --- profiles -----------------------------------------------------------------------------------------


def profile_list(*, user_id: int) -> QuerySet[Profile]:
    return Profile.objects.filter(user_id=user_id).order_by("-is_default", "created_at", "id")


def profile_get(*, user_id: int, public_id: str | uuid.UUID) -> Profile:
    profile = Profile.objects.filter(user_id=user_id, public_id=_uuid_or_404(public_id)).first()
    if profile is None:
        raise ServiceError(ErrorCode.NOT_FOUND)
    return profile


def profile_default_get(*, user_id: int) -> Profile | None:
    return Profile.objects.filter(user_id=user_id, is_default=True).first()


def profile_birth_mapping(*, profile: Profile) -> dict[str, object]:
    """The engine's input mapping of a profile (without the birthplace, which the engine does not take)."""
    return {key: value for key, value in dict(profile.birth).items() if key != BIRTHPLACE_KEY}


def daily_fortune_profiles(*, user_ids: list[int] | None = None) -> QuerySet[Profile]:
    """Default profiles of live, active users who opted in to the daily fortune (for the nightly batch)."""
    qs = Profile.objects.filter(
        is_default=True, daily_fortune=True, user__is_active=True, user__deleted_at__isnull=True
    ).select_related("user")
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    return qs.order_by("user_id")


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    birth = dict(profile.birth)
    return {
        "id": str(profile.public_id),
        "label": profile.label,
        "relation": profile.relation,
        "relation_label": profile.get_relation_display(),
        "birth": {key: value for key, value in birth.items() if key != BIRTHPLACE_KEY},
        "birthplace": birth.get(BIRTHPLACE_KEY, ""),
        "is_default": profile.is_default,
        "daily_fortune": profile.daily_fortune,
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


# --- favourites with D-day and 일진 ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Iljin:
    """That day's 일진 and how it meets the default profile's day pillar."""

    pillar_hanja: str
    pillar_hangul: str
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


def _natal_day_pillar(profile: Profile | None) -> Any:
    if profile is None:
        return None
    from saju.birth import BirthInput
    from saju.chart import chart_from_birth
    from saju.errors import SajuError

    try:
        return chart_from_birth(BirthInput.from_mapping(profile_birth_mapping(profile=profile))).day
    except SajuError:
        return None


def iljin_for(*, day: date, natal_day: Any, profile_label: str | None) -> Iljin:
    from saju.analysis.relations import branch_pair_relations, stem_pair_relations
    from saju.analysis.tengods import ten_god
    from saju.calendar import day_pillar

    pillar = day_pillar(day)
    if natal_day is None:
        return Iljin(pillar.hanja, pillar.hangul, None, None, ())
    kinds = stem_pair_relations(natal_day.stem, pillar.stem) + branch_pair_relations(natal_day.branch, pillar.branch)
    return Iljin(
        pillar_hanja=pillar.hanja,
        pillar_hangul=pillar.hangul,
        profile_label=profile_label,
        ten_god=ten_god(natal_day.stem, pillar.stem).value,
        relations=tuple(kind.value for kind in kinds),
    )


def favourite_views(*, user_id: int, today: date | None = None) -> list[FavouriteView]:
    """Two queries whatever the number of favourites: the favourites and the default profile."""
    today = today or today_kst()
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
    favourite = FavouriteDate.objects.filter(user_id=user_id, public_id=_uuid_or_404(public_id)).first()
    if favourite is None:
        raise ServiceError(ErrorCode.NOT_FOUND)
    return favourite


def favourite_view_to_dict(view: FavouriteView) -> dict[str, Any]:
    fav = view.favourite
    return {
        "id": str(fav.public_id),
        "day": fav.day.isoformat(),
        "label": fav.label,
        "memo": fav.memo,
        "colour": fav.colour,
        "d_day": view.d_day,
        "d_day_label": view.d_day_label,
        "iljin": {
            "pillar": view.iljin.pillar_hanja,
            "pillar_hangul": view.iljin.pillar_hangul,
            "profile": view.iljin.profile_label,
            "ten_god": view.iljin.ten_god,
            "relations": list(view.iljin.relations),
        },
    }


# --- personal API key ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonalKey:
    """What the readings part needs to call the user's own provider (plaintext; never serialize it)."""

    key: str
    base_url: str
    model: str


def personal_api_key_get(*, user_id: int) -> PersonalKey | None:
    stored = PersonalApiKey.objects.filter(user_id=user_id).first()
    if stored is None:
        return None
    return PersonalKey(key=stored.key, base_url=stored.base_url, model=stored.model)


def api_key_masked(*, user_id: int) -> dict[str, Any] | None:
    stored = PersonalApiKey.objects.filter(user_id=user_id).only(
        "last_four", "base_url", "model", "created_at", "updated_at"
    ).first()
    if stored is None:
        return None
    return {
        "masked": f"{MASK}{stored.last_four}",
        "base_url": stored.base_url,
        "model": stored.model,
        "updated_at": stored.updated_at.isoformat(),
    }


# --- consent, statistics ------------------------------------------------------------------------------


def guardian_consent_pending(*, user_id: int) -> bool:
    return GuardianConsent.objects.filter(user_id=user_id, confirmed_at__isnull=True).exists()


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
        ActivityEvent.objects.filter(user=user).values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
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


def user_stats_to_dict(stats: UserStats) -> dict[str, Any]:
    return {
        "readings": stats.readings,
        "daily_fortunes": stats.daily_fortunes,
        "saved_readings": stats.saved_readings,
        "shares": stats.shares,
        "profiles": stats.profiles,
        "favourites": stats.favourites,
        "member_since": stats.member_since.isoformat(),
        "recent": [{"kind": label, "at": at.isoformat()} for label, at in stats.recent],
    }


# --- export (내 정보 내려받기) --------------------------------------------------------------------------

# Rows of other parts are exported generically (every field but secrets), so a new part is never missed.
EXPORT_SKIP_FIELDS = frozenset({"password", "key", "token", "token_hash", "secret"})
HANDLED_MODELS = frozenset(
    {
        "accounts.profile",
        "accounts.favouritedate",
        "accounts.personalapikey",
        "accounts.consentrecord",
        "accounts.guardianconsent",
        "accounts.activityevent",
        "accounts.adminaccesslog",
        "accounts.emailoutbox",
        "accounts.savedreading",
    }
)


def _generic_rows(user: User) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for rel in User._meta.related_objects:
        model = rel.related_model
        label = model._meta.label_lower
        if label in HANDLED_MODELS or rel.many_to_many:
            continue
        rows = model._base_manager.filter(**{rel.field.name: user})
        for item in serializers.serialize("python", rows):
            fields: Mapping[str, Any] = item["fields"]
            clean = {k: v for k, v in fields.items() if k not in EXPORT_SKIP_FIELDS and k != rel.field.name}
            out.setdefault(label, []).append(_jsonable(clean))
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def user_export(*, user: User) -> dict[str, Any]:
    """내 정보 내려받기: everything stored about the user, decrypted, as one JSON document."""
    favourites = [favourite_view_to_dict(view) for view in favourite_views(user_id=user.pk)]
    return _jsonable(
        {
            "format": "unse-export/1",
            "exported_at": timezone.now(),
            "account": {
                "id": str(user.public_id),
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            },
            "consents": [
                {
                    "kind": c.kind,
                    "label": c.get_kind_display(),
                    "policy_version": c.policy_version,
                    "granted_at": c.granted_at,
                    "withdrawn_at": c.withdrawn_at,
                }
                for c in ConsentRecord.objects.filter(user=user).order_by("granted_at", "id")
            ],
            "profiles": [profile_to_dict(p) for p in profile_list(user_id=user.pk)],
            "favourite_dates": favourites,
            "personal_api_key": api_key_masked(user_id=user.pk),
            "statistics": user_stats_to_dict(user_stats(user=user)),
            "activity": [
                {"kind": kind, "at": at}
                for kind, at in ActivityEvent.objects.filter(user=user).order_by("created_at", "id").values_list(
                    "kind", "created_at"
                )
            ],
            "saved_readings": [
                saved_to_dict(saved, shares=True) for saved in SavedReading.objects.filter(user=user).order_by("created_at", "id").prefetch_related("shares").select_related("profile")
            ],
            "other": _generic_rows(user),
        }
    )


# --- 보관함 and share links -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    items: list[SavedReading]
    number: int
    pages: int
    total: int


def saved_reading_page(*, user_id: int, page: int = 1, per_page: int | None = None) -> Page:
    """Newest first; two queries (count + page) whatever the page length — no N+1 on profile or shares."""
    from django.conf import settings

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
        SavedReading.objects.filter(user_id=user_id, public_id=_uuid_or_404(public_id))
        .select_related("profile")
        .first()
    )
    if saved is None:
        raise ServiceError(ErrorCode.NOT_FOUND)
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


def saved_to_dict(saved: SavedReading, *, shares: bool = False, text: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(saved.public_id),
        "title": saved.title,
        "kind": saved.kind,
        "topic": saved.topic,
        "pillars": saved.pillars,
        "generated_by": saved.generated_by,
        "profile": saved.profile.label if saved.profile is not None else None,
        "memo": saved.memo,
        "created_at": saved.created_at.isoformat(),
    }
    if text:
        data["text"] = saved.text
    if shares:
        data["shares"] = [share_to_dict(share) for share in saved.shares.all()]
    return data


def share_to_dict(share: Share) -> dict[str, Any]:
    return {
        "id": str(share.public_id),
        "url": f"/s/{share.token}/",
        "include_birth": share.include_birth,
        "created_at": share.created_at.isoformat(),
        "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
        "view_count": share.view_count,
    }


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
