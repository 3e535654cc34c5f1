"""Pages of the personal space (내 정보) and the sign-up pieces allauth does not have.

Views parse, call one service/selector and render. Personal pages are login-only and `no-store`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from allauth.account.views import SignupView
from allauth.socialaccount.views import SignupView as SocialSignupView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from unse.accounts import serializers, share_card
from unse.accounts.forms import ApiKeyForm, DeleteAccountForm, FavouriteForm, ProfileForm
from unse.accounts.models import ActivityKind, User
from unse.accounts.selectors.api_keys import api_key_masked
from unse.accounts.selectors.favourites import favourite_get, favourite_views
from unse.accounts.selectors.library import (
    saved_reading_get,
    saved_reading_page,
    share_get_public,
    share_list,
    shared_reading,
)
from unse.accounts.selectors.profiles import profile_default_get, profile_get, profile_list
from unse.accounts.selectors.stats import user_stats
from unse.accounts.services import activity as activity_services
from unse.accounts.services import api_keys as api_keys_services
from unse.accounts.services import consent as consent_services
from unse.accounts.services import deletion as deletion_services
from unse.accounts.services import favourites as favourites_services
from unse.accounts.services import library as library_services
from unse.accounts.services import profiles as profiles_services
from unse.core.birth_form import (
    ENGINE_FIELD_MESSAGES,
    birth_form_context,
    birth_initial,
    engine_birth_defaults,
    place_label,
)
from unse.core.errors import ErrorCode, ServiceError
from unse.readings.sanitize import plain_preview, render_markdown


class AtomicSignupView(SignupView):
    """Sign-up, consents and the verification mail's outbox row commit together or not at all."""

    def form_valid(self, form: Any) -> HttpResponse:
        if getattr(form, "account_already_exists", False):
            # Same hashing work as creating the account: without it an existing e-mail answered in ~10 ms
            # and a new one in ~250 ms, which told anyone whether an address is registered (issue 20).
            make_password(form.cleaned_data.get("password1") or "")
        with transaction.atomic():
            response: HttpResponse = super().form_valid(form)
        return response


class AtomicSocialSignupView(SocialSignupView):
    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().form_valid(form)
        return response


signup = AtomicSignupView.as_view()
social_signup = AtomicSocialSignupView.as_view()


def personal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ServiceError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                raise Http404(exc.message or exc.code.message) from exc
            raise

    return never_cache(login_required(wrapper))


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 -- login_required ran first
    return user


def _form_error(form: Any, exc: ServiceError) -> None:
    field = exc.details.get("field")
    message = exc.message or exc.code.message
    engine_code = exc.details.get("engine_code")
    if engine_code in ENGINE_FIELD_MESSAGES:  # the birth form's wording, next to the field it concerns
        field, message = ENGINE_FIELD_MESSAGES[engine_code]
    form.add_error(field if field in form.fields else None, message)


# --- public pages ---------------------------------------------------------------------------------------


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def ai_provider_hosts(providers: Iterable[Mapping[str, object]]) -> list[str]:
    """Host names of the AI providers that receive chart facts, for the policy's overseas-transfer table:
    every configured `LLM_PROVIDERS` entry with a key (a provider without one is never called)."""
    hosts = {
        urlsplit(str(entry.get("base_url") or "")).hostname or ""
        for entry in providers
        if entry.get("api_key") and entry.get("base_url")
    }
    return sorted(host for host in hosts if host and host not in LOCAL_HOSTS)


def privacy_policy(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "accounts/privacy.html",
        {
            "version": settings.PRIVACY_POLICY_VERSION,
            "officer_email": settings.PRIVACY_OFFICER_EMAIL,
            "unverified_days": settings.UNVERIFIED_ACCOUNT_DAYS,
            "outbox_days": settings.OUTBOX_SENT_RETENTION_DAYS,
            "guardian_days": settings.GUARDIAN_CONSENT_DAYS,
            "ai_hosts": ai_provider_hosts(settings.LLM_PROVIDERS),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def guardian_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that prefetch links must not give consent.
    if request.method == "GET":
        return TemplateResponse(request, "accounts/guardian_confirm.html", {"token": token})
    try:
        consent_services.guardian_consent_confirm(token=token)
    except ServiceError as exc:
        return TemplateResponse(
            request,
            "accounts/guardian_confirm.html",
            {"token": token, "error": exc.message or exc.code.message},
            status=404,
        )
    return TemplateResponse(request, "accounts/guardian_confirm.html", {"done": True})


# --- dashboard ----------------------------------------------------------------------------------------


@personal_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return TemplateResponse(
        request,
        "accounts/dashboard.html",
        {"stats": user_stats(user=user), "default_profile": profile_default_get(user_id=user.pk)},
    )


# --- profiles -----------------------------------------------------------------------------------------


def _profile_initial(profile: Any) -> dict[str, Any]:
    return {
        **birth_initial(birth=profile.birth),
        "label": profile.label,
        "relation": profile.relation,
        "is_default": profile.is_default,
        "daily_fortune": profile.daily_fortune,
    }


def _profile_form(data: Any = None, *, initial: dict[str, Any] | None = None) -> ProfileForm:
    return ProfileForm(data, initial=initial, engine_defaults=engine_birth_defaults())


def _profile_page(request: HttpRequest, template: str, form: ProfileForm, **extra: Any) -> HttpResponse:
    context = {"form": form, **birth_form_context(form), **extra}
    return TemplateResponse(request, template, context, status=400 if form.errors else 200)


@personal_page
@require_http_methods(["GET", "POST"])
def profiles(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = _profile_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profiles_services.profile_create(
                user=user,
                label=form.cleaned_data["label"],
                relation=form.cleaned_data["relation"],
                birth=form.birth_mapping(),
                birthplace=form.birthplace(),
                is_default=form.cleaned_data.get("is_default", False),
                daily_fortune=form.cleaned_data.get("daily_fortune", False),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "프로필을 저장했습니다.")
            return redirect("accounts:profiles")
    rows = [
        {**serializers.profile_to_dict(p), "place": place_label(birth=p.birth)}
        for p in profile_list(user_id=user.pk)
    ]
    return _profile_page(request, "accounts/profiles.html", form, profiles=rows)


@personal_page
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    profile = profile_get(user_id=user.pk, public_id=public_id)
    form = _profile_form(request.POST or None, initial=_profile_initial(profile))
    if request.method == "POST" and form.is_valid():
        try:
            profiles_services.profile_update(
                user=user,
                public_id=public_id,
                label=form.cleaned_data["label"],
                relation=form.cleaned_data["relation"],
                birth=form.birth_mapping(),
                birthplace=form.birthplace(),
                is_default=form.cleaned_data.get("is_default") or None,
                daily_fortune=form.cleaned_data.get("daily_fortune", False),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "프로필을 고쳤습니다.")
            return redirect("accounts:profiles")
    return _profile_page(request, "accounts/profile_edit.html", form, profile=profile)


@personal_page
@require_POST
def profile_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    profiles_services.profile_delete(user=_user(request), public_id=public_id)
    messages.success(request, "프로필을 지웠습니다.")
    return redirect("accounts:profiles")


@personal_page
@require_POST
def profile_default(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    profiles_services.profile_set_default(user=_user(request), public_id=public_id)
    messages.success(request, "기본 프로필을 바꿨습니다.")
    return redirect("accounts:profiles")


# --- favourite dates ------------------------------------------------------------------------------------


@personal_page
@require_http_methods(["GET", "POST"])
def favourites(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FavouriteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            favourites_services.favourite_create(user=user, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "즐겨찾기 날짜를 저장했습니다.")
            return redirect("accounts:favourites")
    views = favourite_views(user_id=user.pk)
    return TemplateResponse(request, "accounts/favourites.html", {"items": views, "form": form})


@personal_page
@require_http_methods(["GET", "POST"])
def favourite_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    favourite = favourite_get(user_id=user.pk, public_id=public_id)
    initial = {
        "day": favourite.day,
        "label": favourite.label,
        "memo": favourite.memo,
        "colour": favourite.colour,
    }
    form = FavouriteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            favourites_services.favourite_update(user=user, public_id=public_id, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "즐겨찾기 날짜를 고쳤습니다.")
            return redirect("accounts:favourites")
    return TemplateResponse(request, "accounts/favourite_edit.html", {"favourite": favourite, "form": form})


@personal_page
@require_POST
def favourite_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    favourites_services.favourite_delete(user=_user(request), public_id=public_id)
    messages.success(request, "즐겨찾기 날짜를 지웠습니다.")
    return redirect("accounts:favourites")


# --- personal API key -----------------------------------------------------------------------------------


@personal_page
@require_http_methods(["GET", "POST"])
def api_key(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "delete":
        with contextlib.suppress(ServiceError):
            api_keys_services.api_key_delete(user=user)
        messages.success(request, "API 키를 지웠습니다.")
        return redirect("accounts:api_key")
    if request.method == "POST" and form.is_valid():
        try:
            api_keys_services.api_key_set(user=user, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "API 키를 저장했습니다. 보안을 위해 다시 전체를 보여 드리지 않습니다.")
            return redirect("accounts:api_key")
    return TemplateResponse(
        request, "accounts/api_key.html", {"form": form, "stored": api_key_masked(user_id=user.pk)}
    )


# --- export and deletion ------------------------------------------------------------------------------


@personal_page
def export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    activity_services.activity_record(user_id=user.pk, kind=ActivityKind.EXPORTED)
    response = JsonResponse(
        serializers.user_export_document(user=user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="my-saju-data.json"'
    return response


@personal_page
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deletion_services.user_delete(user=_user(request))
        logout(request)
        messages.success(
            request, "탈퇴가 끝났습니다. 개인정보를 모두 지웠습니다. 그동안 이용해 주셔서 감사합니다."
        )
        return redirect("/")
    return TemplateResponse(request, "accounts/delete.html", {"form": form})


# --- 보관함 and share links -------------------------------------------------------------------------------


def _kakao_context() -> dict[str, str]:
    """The Kakao share button's settings (shown only when KAKAO_JS_KEY is set)."""
    return {
        "kakao_js_key": settings.KAKAO_JS_KEY,
        "kakao_sdk_url": settings.KAKAO_SDK_URL,
        "kakao_sdk_integrity": settings.KAKAO_SDK_INTEGRITY,
    }


def _kakao_csp(response: HttpResponse) -> HttpResponse:
    if settings.KAKAO_JS_KEY:
        # django-csp reads this attribute (what its csp_update decorator sets).
        response._csp_update = {"script-src": [settings.KAKAO_SDK_ORIGIN]}  # type: ignore[attr-defined]
    return response


@personal_page
def library(request: HttpRequest) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    result = saved_reading_page(user_id=_user(request).pk, page=page)
    return TemplateResponse(request, "accounts/library.html", {"page": result})


@personal_page
@require_POST
def library_save(request: HttpRequest) -> HttpResponse:
    """The '보관함에 저장' button of a reading page posts here (reading_id, optional profile_id)."""
    saved = library_services.saved_reading_create(
        user=_user(request),
        reading_public_id=request.POST.get("reading_id", ""),
        profile_public_id=request.POST.get("profile_id") or None,
        title=request.POST.get("title", ""),
        roles=request.POST.get("roles", ""),
    )
    messages.success(request, "보관함에 저장했습니다.")
    return redirect("accounts:saved_detail", public_id=saved.public_id)


@personal_page
def saved_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    saved = saved_reading_get(user_id=user.pk, public_id=public_id)
    response = TemplateResponse(
        request,
        "accounts/saved_detail.html",
        {
            "saved": saved,
            "html": render_markdown(saved.text),
            "shares": share_list(user_id=user.pk, saved_id=saved.pk),
            **_kakao_context(),
        },
    )
    return _kakao_csp(response)


@personal_page
@require_POST
def saved_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    library_services.saved_reading_delete(user=_user(request), public_id=public_id)
    messages.success(request, "보관함에서 지웠습니다. 이 풀이의 공유 링크도 모두 끊었습니다.")
    return redirect("accounts:library")


@personal_page
@require_POST
def share_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    share = library_services.share_create(
        user=_user(request),
        saved_public_id=public_id,
        include_birth=request.POST.get("include_birth") == "on",
    )
    messages.success(request, f"공유 링크를 만들었습니다: {request.build_absolute_uri(f'/s/{share.token}/')}")
    messages.info(request, "아래 '공유' 목록에서 링크를 복사하거나 카카오톡으로 보낼 수 있습니다.")
    return redirect("accounts:saved_detail", public_id=public_id)


@personal_page
def shares(request: HttpRequest) -> HttpResponse:
    rows = share_list(user_id=_user(request).pk)
    response = TemplateResponse(request, "accounts/shares.html", {"shares": rows, **_kakao_context()})
    return _kakao_csp(response)


@personal_page
@require_POST
def share_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    library_services.share_revoke(user=_user(request), public_id=public_id)
    messages.success(request, "공유 링크를 끊었습니다. 이제 그 주소로는 볼 수 없습니다.")
    return redirect("accounts:shares")


@never_cache
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a share link: Open Graph card, no birth data unless the owner opted in."""
    try:
        share = share_get_public(token=token)
    except ServiceError as exc:
        raise Http404(exc.message) from exc
    library_services.share_record_view(share_id=share.pk)
    shared = shared_reading(share)
    response = TemplateResponse(
        request,
        "accounts/shared.html",
        {
            "shared": shared,
            "html": render_markdown(shared.text),
            "description": plain_preview(shared.text),
            **_kakao_context(),
            "page_url": request.build_absolute_uri(),
            "card_url": request.build_absolute_uri(reverse("accounts:shared_card", args=[token])),
            "card_width": share_card.WIDTH,
            "card_height": share_card.HEIGHT,
        },
    )
    _kakao_csp(response)
    # The token is the secret: never leak it to other sites through the Referer header.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def shared_card(request: HttpRequest, token: str) -> HttpResponse:
    """The share's Open Graph image (1200×630 PNG): what the shared page shows, pillars only when opted in."""
    try:
        share = share_get_public(token=token)
    except ServiceError as exc:
        raise Http404(exc.message) from exc
    card = share_card.share_card_of(shared_reading(share))
    response = HttpResponse(share_card.share_card_png(token=token, card=card), content_type="image/png")
    # Link previews fetch it a few times; an hour keeps a revoked share's image from living long in caches.
    response["Cache-Control"] = "public, max-age=3600"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
