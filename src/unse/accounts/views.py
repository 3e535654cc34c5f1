"""Pages of the personal space (내 정보) and the sign-up pieces allauth does not have.

Views parse, call one service/selector and render. Personal pages are login-only and `no-store`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.views import SignupView
from allauth.socialaccount.views import SignupView as SocialSignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from unse.accounts import selectors, services
from unse.accounts.forms import ApiKeyForm, DeleteAccountForm, FavouriteForm, ProfileForm
from unse.accounts.models import ActivityKind, User
from unse.core.errors import ErrorCode, ServiceError


class AtomicSignupView(SignupView):
    """Sign-up, consents and the verification mail's outbox row commit together or not at all."""

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            return super().form_valid(form)


class AtomicSocialSignupView(SocialSignupView):
    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            return super().form_valid(form)


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
    form.add_error(field if field in form.fields else None, exc.message or exc.code.message)


# --- public pages ---------------------------------------------------------------------------------------


def _ai_hosts() -> list[str]:
    """Host names of the configured AI providers, named in the policy's overseas-transfer table."""
    from urllib.parse import urlsplit

    from django.conf import settings

    urls = [getattr(settings, "LLM_BASE_URL", "") or ""]
    hosts = [urlsplit(url).hostname or "" for url in urls if url]
    return sorted({host for host in hosts if host and host not in {"127.0.0.1", "localhost"}})


def privacy_policy(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return TemplateResponse(
        request,
        "accounts/privacy.html",
        {
            "version": settings.PRIVACY_POLICY_VERSION,
            "officer_email": settings.PRIVACY_OFFICER_EMAIL,
            "unverified_days": settings.UNVERIFIED_ACCOUNT_DAYS,
            "outbox_days": settings.OUTBOX_SENT_RETENTION_DAYS,
            "guardian_days": settings.GUARDIAN_CONSENT_DAYS,
            "ai_hosts": _ai_hosts(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def guardian_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that prefetch links must not give consent.
    if request.method == "GET":
        return TemplateResponse(request, "accounts/guardian_confirm.html", {"token": token})
    try:
        services.guardian_consent_confirm(token=token)
    except ServiceError as exc:
        return TemplateResponse(
            request, "accounts/guardian_confirm.html", {"token": token, "error": exc.message or exc.code.message}, status=404
        )
    return TemplateResponse(request, "accounts/guardian_confirm.html", {"done": True})


# --- dashboard ----------------------------------------------------------------------------------------


@personal_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return TemplateResponse(
        request,
        "accounts/dashboard.html",
        {"stats": selectors.user_stats(user=user), "default_profile": selectors.profile_default_get(user_id=user.pk)},
    )


# --- profiles -----------------------------------------------------------------------------------------


def _profile_initial(profile: Any) -> dict[str, Any]:
    birth = dict(profile.birth)
    stamp = str(birth.get("datetime", ""))
    day, _, clock = stamp.partition("T")
    return {
        "label": profile.label,
        "relation": profile.relation,
        "birth_date": day,
        "birth_time": None if birth.get("time_unknown") else clock[:5],
        "time_unknown": bool(birth.get("time_unknown")),
        "calendar": birth.get("calendar", "solar"),
        "leap": bool(birth.get("leap")),
        "gender": birth.get("gender") or "",
        "birthplace": birth.get("birthplace", ""),
        "is_default": profile.is_default,
        "daily_fortune": profile.daily_fortune,
    }


@personal_page
@require_http_methods(["GET", "POST"])
def profiles(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_create(
                user=user,
                label=form.cleaned_data["label"],
                relation=form.cleaned_data["relation"],
                birth=form.birth_mapping(),
                birthplace=form.cleaned_data.get("birthplace") or "",
                is_default=form.cleaned_data.get("is_default", False),
                daily_fortune=form.cleaned_data.get("daily_fortune", False),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "프로필을 저장했습니다.")
            return redirect("accounts:profiles")
    rows = [selectors.profile_to_dict(p) for p in selectors.profile_list(user_id=user.pk)]
    return TemplateResponse(request, "accounts/profiles.html", {"profiles": rows, "form": form})


@personal_page
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    profile = selectors.profile_get(user_id=user.pk, public_id=public_id)
    form = ProfileForm(request.POST or None, initial=_profile_initial(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=user,
                public_id=public_id,
                label=form.cleaned_data["label"],
                relation=form.cleaned_data["relation"],
                birth=form.birth_mapping(),
                birthplace=form.cleaned_data.get("birthplace") or "",
                is_default=form.cleaned_data.get("is_default") or None,
                daily_fortune=form.cleaned_data.get("daily_fortune", False),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "프로필을 고쳤습니다.")
            return redirect("accounts:profiles")
    return TemplateResponse(request, "accounts/profile_edit.html", {"profile": profile, "form": form})


@personal_page
@require_POST
def profile_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    services.profile_delete(user=_user(request), public_id=public_id)
    messages.success(request, "프로필을 지웠습니다.")
    return redirect("accounts:profiles")


@personal_page
@require_POST
def profile_default(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    services.profile_set_default(user=_user(request), public_id=public_id)
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
            services.favourite_create(user=user, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "즐겨찾기 날짜를 저장했습니다.")
            return redirect("accounts:favourites")
    views = selectors.favourite_views(user_id=user.pk)
    return TemplateResponse(request, "accounts/favourites.html", {"items": views, "form": form})


@personal_page
@require_http_methods(["GET", "POST"])
def favourite_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    favourite = selectors.favourite_get(user_id=user.pk, public_id=public_id)
    initial = {"day": favourite.day, "label": favourite.label, "memo": favourite.memo, "colour": favourite.colour}
    form = FavouriteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.favourite_update(user=user, public_id=public_id, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "즐겨찾기 날짜를 고쳤습니다.")
            return redirect("accounts:favourites")
    return TemplateResponse(request, "accounts/favourite_edit.html", {"favourite": favourite, "form": form})


@personal_page
@require_POST
def favourite_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    services.favourite_delete(user=_user(request), public_id=public_id)
    messages.success(request, "즐겨찾기 날짜를 지웠습니다.")
    return redirect("accounts:favourites")


# --- personal API key -----------------------------------------------------------------------------------


@personal_page
@require_http_methods(["GET", "POST"])
def api_key(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.api_key_delete(user=user)
        except ServiceError:
            pass
        messages.success(request, "API 키를 지웠습니다.")
        return redirect("accounts:api_key")
    if request.method == "POST" and form.is_valid():
        try:
            services.api_key_set(user=user, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "API 키를 저장했습니다. 보안을 위해 다시 전체를 보여 드리지 않습니다.")
            return redirect("accounts:api_key")
    return TemplateResponse(
        request, "accounts/api_key.html", {"form": form, "stored": selectors.api_key_masked(user_id=user.pk)}
    )


# --- export and deletion ------------------------------------------------------------------------------


@personal_page
def export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    services.activity_record(user_id=user.pk, kind=ActivityKind.EXPORTED)
    response = JsonResponse(
        selectors.user_export(user=user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="my-saju-data.json"'
    return response


@personal_page
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=_user(request))
        logout(request)
        messages.success(request, "탈퇴가 끝났습니다. 개인정보를 모두 지웠습니다. 그동안 이용해 주셔서 감사합니다.")
        return redirect("/")
    return TemplateResponse(request, "accounts/delete.html", {"form": form})


# --- 보관함 and share links -------------------------------------------------------------------------------


@personal_page
def library(request: HttpRequest) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    result = selectors.saved_reading_page(user_id=_user(request).pk, page=page)
    return TemplateResponse(request, "accounts/library.html", {"page": result})


@personal_page
@require_POST
def library_save(request: HttpRequest) -> HttpResponse:
    """The '보관함에 저장' button of a reading page posts here (reading_id, optional profile_id)."""
    saved = services.saved_reading_create(
        user=_user(request),
        reading_public_id=request.POST.get("reading_id", ""),
        profile_public_id=request.POST.get("profile_id") or None,
        title=request.POST.get("title", ""),
    )
    messages.success(request, "보관함에 저장했습니다.")
    return redirect("accounts:saved_detail", public_id=saved.public_id)


@personal_page
def saved_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    from unse.readings.sanitize import render_markdown

    user = _user(request)
    saved = selectors.saved_reading_get(user_id=user.pk, public_id=public_id)
    return TemplateResponse(
        request,
        "accounts/saved_detail.html",
        {
            "saved": saved,
            "html": render_markdown(saved.text),
            "shares": selectors.share_list(user_id=user.pk, saved_id=saved.pk),
        },
    )


@personal_page
@require_POST
def saved_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    services.saved_reading_delete(user=_user(request), public_id=public_id)
    messages.success(request, "보관함에서 지웠습니다. 이 풀이의 공유 링크도 모두 끊었습니다.")
    return redirect("accounts:library")


@personal_page
@require_POST
def share_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    share = services.share_create(
        user=_user(request), saved_public_id=public_id, include_birth=request.POST.get("include_birth") == "on"
    )
    messages.success(request, f"공유 링크를 만들었습니다: {request.build_absolute_uri(f'/s/{share.token}/')}")
    return redirect("accounts:saved_detail", public_id=public_id)


@personal_page
def shares(request: HttpRequest) -> HttpResponse:
    rows = selectors.share_list(user_id=_user(request).pk)
    return TemplateResponse(request, "accounts/shares.html", {"shares": rows})


@personal_page
@require_POST
def share_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    services.share_revoke(user=_user(request), public_id=public_id)
    messages.success(request, "공유 링크를 끊었습니다. 이제 그 주소로는 볼 수 없습니다.")
    return redirect("accounts:shares")


@never_cache
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a share link: Open Graph card, no birth data unless the owner opted in."""
    from unse.readings.sanitize import render_markdown

    try:
        share = selectors.share_get_public(token=token)
    except ServiceError as exc:
        raise Http404(exc.message) from exc
    services.share_record_view(share_id=share.pk)
    saved = share.saved
    plain = " ".join(saved.text.replace("#", " ").split())
    response = TemplateResponse(
        request,
        "accounts/shared.html",
        {
            "saved": saved,
            "html": render_markdown(saved.text),
            "birth": selectors.shared_birth(share),
            "description": plain[:150],
            "page_url": request.build_absolute_uri(),
        },
    )
    # The token is the secret: never leak it to other sites through the Referer header.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
