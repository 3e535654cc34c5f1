"""`/api/v1/me/…`: the personal space over JSON. Session-authenticated, CSRF-checked, never cached.

Handlers only parse, call one service/selector and serialize. Every object is looked up by its random
public id *and* its owner, so someone else's id answers 404 exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from ninja import Router, Schema
from ninja.decorators import decorate_view
from pydantic import ConfigDict

from unse.accounts import serializers
from unse.accounts.models import ActivityKind, Colour, Relation, User
from unse.accounts.selectors.api_keys import api_key_masked
from unse.accounts.selectors.favourites import favourite_get, favourite_views
from unse.accounts.selectors.library import saved_reading_get, saved_reading_page, share_list
from unse.accounts.selectors.profiles import profile_get, profile_list
from unse.accounts.selectors.stats import user_stats
from unse.accounts.services import activity as activity_services
from unse.accounts.services import api_keys as api_keys_services
from unse.accounts.services import deletion as deletion_services
from unse.accounts.services import favourites as favourites_services
from unse.accounts.services import library as library_services
from unse.accounts.services import profiles as profiles_services
from unse.core.csrf import csrf_require
from unse.core.errors import ErrorCode, ServiceError
from unse.core.json_api import error_responses
from unse.core.responses import service_error_response

router = Router(tags=["내 정보"])
# Every operation answers 200 with its JSON (or the error object below); 401 without a live session, 403 on a
# failed CSRF check, 404 for a missing or someone else's id, 400 for invalid input (docs/errors.md).
ERRORS: dict[int, Any] = error_responses(400, 401, 403, 404, 500, 503)
RESPONSES: dict[int, Any] = {200: dict[str, Any], **ERRORS}
CREATED: dict[int, Any] = {201: dict[str, Any], **ERRORS}
NO_CONTENT: dict[int, Any] = {204: None, **ERRORS}


def personal(run: Callable[..., Any]) -> Callable[..., Any]:
    """Around a ninja operation: live session user required, CSRF on writes, errors in our shape, no-store."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            user = request.user
            if not user.is_authenticated or getattr(user, "deleted_at", None) is not None:
                raise ServiceError(ErrorCode.AUTH_REQUIRED)
            csrf_require(request)
            response: HttpResponse = run(request, *args, **kwargs)
        except ServiceError as exc:
            response = service_error_response(request, exc)
        add_never_cache_headers(response)
        return response

    return wrapper


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 -- guaranteed by `personal`
    return user


# --- schemas ------------------------------------------------------------------------------------------


class BirthIn(Schema):
    # Strict, so `"leap": 0` is refused as the published schema says (booleans are JSON booleans).
    model_config = ConfigDict(strict=True)

    datetime: str
    calendar: str = "solar"
    leap: bool = False
    time_unknown: bool = False
    gender: str | None = None
    timezone: str = "Asia/Seoul"
    longitude: float | None = None
    time_basis: str | None = None
    day_change: str | None = None


class ProfileIn(Schema):
    label: str
    relation: str = Relation.SELF
    birth: BirthIn
    birthplace: str = ""
    is_default: bool = False
    daily_fortune: bool = False


class ProfilePatch(Schema):
    label: str | None = None
    relation: str | None = None
    birth: BirthIn | None = None
    birthplace: str | None = None
    is_default: bool | None = None
    daily_fortune: bool | None = None


class FavouriteIn(Schema):
    day: date
    label: str
    memo: str = ""
    colour: str = Colour.BLUE


class FavouritePatch(Schema):
    day: date | None = None
    label: str | None = None
    memo: str | None = None
    colour: str | None = None


class ApiKeyIn(Schema):
    key: str
    base_url: str = ""
    model: str = ""


class DeleteIn(Schema):
    confirm: str


def _birth(payload: BirthIn) -> dict[str, object]:
    return {key: value for key, value in payload.dict().items() if value is not None}


# --- account --------------------------------------------------------------------------------------------


@router.get("/me", response=RESPONSES)
@decorate_view(personal)
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "id": str(user.public_id),
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "has_personal_api_key": api_key_masked(user_id=user.pk) is not None,
    }


@router.get("/me/stats", response=RESPONSES)
@decorate_view(personal)
def stats(request: HttpRequest) -> dict[str, Any]:
    return serializers.user_stats_to_dict(user_stats(user=_user(request)))


@router.get("/me/export", response=RESPONSES)
@decorate_view(personal)
def export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    activity_services.activity_record(user_id=user.pk, kind=ActivityKind.EXPORTED)
    response = JsonResponse(
        serializers.user_export_document(user=user), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="my-saju-data.json"'
    return response


@router.post("/me/delete", response=NO_CONTENT)
@decorate_view(personal)
def delete_account(request: HttpRequest, payload: DeleteIn) -> HttpResponse:
    if payload.confirm.strip() != "탈퇴":
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="확인 문구로 '탈퇴'를 정확히 입력해 주세요.",
            details={"field": "confirm"},
        )
    deletion_services.user_delete(user=_user(request))
    logout(request)
    return HttpResponse(status=204)


# --- profiles -----------------------------------------------------------------------------------------


@router.get("/me/profiles", response=RESPONSES)
@decorate_view(personal)
def profiles(request: HttpRequest) -> dict[str, Any]:
    rows = profile_list(user_id=_user(request).pk)
    return {"items": [serializers.profile_to_dict(p) for p in rows]}


@router.post("/me/profiles", response=CREATED)
@decorate_view(personal)
def profile_create(request: HttpRequest, payload: ProfileIn) -> HttpResponse:
    profile = profiles_services.profile_create(
        user=_user(request),
        label=payload.label,
        relation=payload.relation,
        birth=_birth(payload.birth),
        birthplace=payload.birthplace,
        is_default=payload.is_default,
        daily_fortune=payload.daily_fortune,
    )
    return JsonResponse(
        serializers.profile_to_dict(profile), status=201, json_dumps_params={"ensure_ascii": False}
    )


@router.get("/me/profiles/{public_id}", response=RESPONSES)
@decorate_view(personal)
def profile_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return serializers.profile_to_dict(profile_get(user_id=_user(request).pk, public_id=public_id))


@router.patch("/me/profiles/{public_id}", response=RESPONSES)
@decorate_view(personal)
def profile_patch(request: HttpRequest, public_id: str, payload: ProfilePatch) -> dict[str, Any]:
    profile = profiles_services.profile_update(
        user=_user(request),
        public_id=public_id,
        label=payload.label,
        relation=payload.relation,
        birth=_birth(payload.birth) if payload.birth is not None else None,
        birthplace=payload.birthplace,
        is_default=payload.is_default,
        daily_fortune=payload.daily_fortune,
    )
    return serializers.profile_to_dict(profile)


@router.delete("/me/profiles/{public_id}", response=NO_CONTENT)
@decorate_view(personal)
def profile_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    profiles_services.profile_delete(user=_user(request), public_id=public_id)
    return HttpResponse(status=204)


# --- favourite dates ------------------------------------------------------------------------------------


@router.get("/me/favourites", response=RESPONSES)
@decorate_view(personal)
def favourites(request: HttpRequest) -> dict[str, Any]:
    views = favourite_views(user_id=_user(request).pk)
    return {"items": [serializers.favourite_view_to_dict(v) for v in views]}


def _favourite_dict(user: User, public_id: Any) -> dict[str, Any]:
    for view in favourite_views(user_id=user.pk):
        if view.favourite.public_id == public_id:
            return serializers.favourite_view_to_dict(view)
    raise ServiceError(ErrorCode.NOT_FOUND)


@router.post("/me/favourites", response=CREATED)
@decorate_view(personal)
def favourite_create(request: HttpRequest, payload: FavouriteIn) -> HttpResponse:
    user = _user(request)
    favourite = favourites_services.favourite_create(
        user=user, day=payload.day, label=payload.label, memo=payload.memo, colour=payload.colour
    )
    return JsonResponse(
        _favourite_dict(user, favourite.public_id), status=201, json_dumps_params={"ensure_ascii": False}
    )


@router.get("/me/favourites/{public_id}", response=RESPONSES)
@decorate_view(personal)
def favourite_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    user = _user(request)
    favourite = favourite_get(user_id=user.pk, public_id=public_id)
    return _favourite_dict(user, favourite.public_id)


@router.patch("/me/favourites/{public_id}", response=RESPONSES)
@decorate_view(personal)
def favourite_patch(request: HttpRequest, public_id: str, payload: FavouritePatch) -> dict[str, Any]:
    user = _user(request)
    favourite = favourites_services.favourite_update(
        user=user, public_id=public_id, **payload.dict(exclude_none=True)
    )
    return _favourite_dict(user, favourite.public_id)


@router.delete("/me/favourites/{public_id}", response=NO_CONTENT)
@decorate_view(personal)
def favourite_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    favourites_services.favourite_delete(user=_user(request), public_id=public_id)
    return HttpResponse(status=204)


# --- personal API key -----------------------------------------------------------------------------------


@router.get("/me/api-key", response=RESPONSES)
@decorate_view(personal)
def api_key(request: HttpRequest) -> HttpResponse:
    masked = api_key_masked(user_id=_user(request).pk)
    if masked is None:
        raise ServiceError(ErrorCode.NOT_FOUND, message="등록된 API 키가 없습니다.")
    return JsonResponse(masked, json_dumps_params={"ensure_ascii": False})


@router.put("/me/api-key", response=RESPONSES)
@decorate_view(personal)
def api_key_put(request: HttpRequest, payload: ApiKeyIn) -> HttpResponse:
    user = _user(request)
    api_keys_services.api_key_set(user=user, key=payload.key, base_url=payload.base_url, model=payload.model)
    return JsonResponse(api_key_masked(user_id=user.pk) or {}, json_dumps_params={"ensure_ascii": False})


@router.delete("/me/api-key", response=NO_CONTENT)
@decorate_view(personal)
def api_key_delete(request: HttpRequest) -> HttpResponse:
    api_keys_services.api_key_delete(user=_user(request))
    return HttpResponse(status=204)


# --- 보관함 and share links -------------------------------------------------------------------------------


class SaveIn(Schema):
    reading_id: str
    profile_id: str | None = None
    title: str = ""
    memo: str = ""


class ShareIn(Schema):
    include_birth: bool = False


@router.get("/me/saved", response=RESPONSES)
@decorate_view(personal)
def saved_list(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    result = saved_reading_page(user_id=_user(request).pk, page=page)
    items = []
    for saved in result.items:
        data = serializers.saved_to_dict(saved)
        data["active_shares"] = saved.active_shares  # type: ignore[attr-defined]
        items.append(data)
    return {"items": items, "page": result.number, "pages": result.pages, "total": result.total}


@router.post("/me/saved", response=CREATED)
@decorate_view(personal)
def saved_create(request: HttpRequest, payload: SaveIn) -> HttpResponse:
    saved = library_services.saved_reading_create(
        user=_user(request),
        reading_public_id=payload.reading_id,
        profile_public_id=payload.profile_id,
        title=payload.title,
        memo=payload.memo,
    )
    return JsonResponse(
        serializers.saved_to_dict(saved, text=True), status=201, json_dumps_params={"ensure_ascii": False}
    )


@router.get("/me/saved/{public_id}", response=RESPONSES)
@decorate_view(personal)
def saved_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    user = _user(request)
    saved = saved_reading_get(user_id=user.pk, public_id=public_id)
    data = serializers.saved_to_dict(saved, text=True)
    data["shares"] = [serializers.share_to_dict(s) for s in share_list(user_id=user.pk, saved_id=saved.pk)]
    return data


@router.delete("/me/saved/{public_id}", response=NO_CONTENT)
@decorate_view(personal)
def saved_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    library_services.saved_reading_delete(user=_user(request), public_id=public_id)
    return HttpResponse(status=204)


@router.post("/me/saved/{public_id}/shares", response=CREATED)
@decorate_view(personal)
def share_create(request: HttpRequest, public_id: str, payload: ShareIn) -> HttpResponse:
    share = library_services.share_create(
        user=_user(request), saved_public_id=public_id, include_birth=payload.include_birth
    )
    data = serializers.share_to_dict(share)
    data["url"] = request.build_absolute_uri(data["url"])
    return JsonResponse(data, status=201)


@router.get("/me/shares", response=RESPONSES)
@decorate_view(personal)
def shares(request: HttpRequest) -> dict[str, Any]:
    rows = share_list(user_id=_user(request).pk)
    return {
        "items": [
            {**serializers.share_to_dict(s), "saved_id": str(s.saved.public_id), "title": s.saved.title}
            for s in rows
        ]
    }


@router.delete("/me/shares/{public_id}", response=NO_CONTENT)
@decorate_view(personal)
def share_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    library_services.share_revoke(user=_user(request), public_id=public_id)
    return HttpResponse(status=204)
