"""The JSON shapes of the personal space (`/api/v1/me/…` and the `내 정보 내려받기` export).

A face module: only the accounts API and pages use it (import-linter keeps domain code from doing so)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core import serializers
from django.utils import timezone

from unse.accounts.models import (
    BIRTHPLACE_KEY,
    ActivityEvent,
    ConsentRecord,
    Profile,
    SavedReading,
    Share,
    User,
)
from unse.accounts.selectors.api_keys import api_key_masked
from unse.accounts.selectors.favourites import FavouriteView, favourite_views
from unse.accounts.selectors.profiles import profile_list
from unse.accounts.selectors.stats import UserStats, user_stats


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


def user_export_document(*, user: User) -> dict[str, Any]:
    """내 정보 내려받기: everything stored about the user, decrypted, as one JSON document."""
    favourites = [favourite_view_to_dict(view) for view in favourite_views(user_id=user.pk)]
    document: dict[str, Any] = _jsonable(
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
                for kind, at in ActivityEvent.objects.filter(user=user)
                .order_by("created_at", "id")
                .values_list("kind", "created_at")
            ],
            "saved_readings": [
                saved_to_dict(saved, shares=True)
                for saved in SavedReading.objects.filter(user=user)
                .order_by("created_at", "id")
                .prefetch_related("shares")
                .select_related("profile")
            ],
            "other": _generic_rows(user),
        }
    )
    return document
