"""Pages. Views only parse the request, call one selector and render; all user-facing text is Korean."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from saju import errors as engine_errors
from saju.errors import SajuError
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_get, profile_list
from unse.chats.selectors import chat_detail, chat_page
from unse.core.birth_form import (
    DAY_CHANGES,
    DEFAULT_MODE,
    ENGINE_FIELD_MESSAGES,
    TIME_BASES,
    BirthForm,
    birth_initial,
    engine_birth_defaults,
)
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.web.selectors import ChartPage, TodayPage, chart_page_build, today_page_build
from unse.web.yearly import chart_page_yearly

# URL names of the JSON API endpoints the pages talk to (django-ninja names them after the handlers).
STREAM_URL_NAME = "api:reading_stream_create"
DAILY_URL_NAME = "api:daily_create"
TODAY_URL_NAME = "api:fortune_today"
CHAT_CREATE_URL_NAME = "api:chat_create_view"
CHAT_MESSAGE_URL_NAME = "api:chat_message_create"

AMBIGUOUS_QUESTION = (
    "입력하신 시각은 그날 서머타임이 끝나거나 표준시가 바뀌면서 시계를 되돌려 두 번 지나갔습니다. "
    "어느 쪽에 태어나셨는지 골라 주세요. 잘 모르시면 출생 기록의 표기를 확인해 주세요."
)
# Messages for failures the browser itself sees (no server response to carry a code).
CLIENT_ERROR_MESSAGES: dict[str, str] = {
    "NETWORK": "인터넷 연결이 끊겨 풀이를 받지 못했습니다. 연결을 확인한 뒤 다시 시도해 주세요.",
    "OFFLINE": "기기가 오프라인 상태입니다. 인터넷에 연결한 뒤 다시 시도해 주세요.",
    "STREAM_CUT": "풀이를 받는 도중 연결이 끊겼습니다. 다시 시도해 주세요.",
}


# A birth never travels in a URL (proxy logs, history, Referer): the forms POST, and an old link with a
# birth in its query is not computed but sent back to the form with this notice.
QUERY_BIRTH_NOTICE = (
    "생년월일이 주소에 남지 않도록 이제는 입력 양식으로만 볼 수 있습니다. 아래에 다시 입력해 주세요."
)
# Topic readings (the readings API's `topic`), each with its page: linked from the 사주 page.
TOPIC_LABELS: dict[str, str] = {
    "personality": "성격",
    "career": "직업",
    "love": "연애",
    "wealth": "재물",
    "health": "건강",
    "study": "학업",
}
# The request fields a result page posts back to the form behind its "입력 고치기" button.
EDIT_FIELDS = tuple(name for name in BirthForm.base_fields if name != "name")


def _form_context(form: BirthForm, *, nav: str = "chart", **extra: Any) -> dict[str, Any]:
    defaults = engine_birth_defaults()
    return {
        "form": form,
        "nav": nav,
        "form_action": reverse("web:today") if nav == "today" else reverse("web:chart"),
        "hide_mode": nav == "today",
        "submit_label": "오늘의 운세 보기" if nav == "today" else "사주 보기",
        "time_bases": TIME_BASES,
        "day_changes": DAY_CHANGES,
        "default_time_basis": form.fields["time_basis"].initial,
        "default_day_change": form.fields["day_change"].initial,
        "engine_defaults": defaults,
        **extra,
    }


def _edit_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The submitted birth fields, for the hidden form that reopens the input with them."""
    return [(name, value) for name in EDIT_FIELDS for value in request.POST.getlist(name)]


async def _member_profiles(request: HttpRequest) -> tuple[Any, list[Any]]:
    """The logged-in user's profiles (default first), or (None, []) for a visitor."""
    user = await request.auser()
    if not user.is_authenticated:
        return None, []
    rows = await sync_to_async(lambda: list(profile_list(user_id=user.pk)))()
    return user, rows


async def _birth_page(request: HttpRequest, *, nav: str) -> HttpResponse:
    """The input page: empty, prefilled from the user's default profile, reopened for editing (POST from a
    result page's "입력 고치기"), or with the notice for a birth that came in a URL query."""
    _user, profiles = await _member_profiles(request)
    default = next((p for p in profiles if p.is_default), None)
    notice = QUERY_BIRTH_NOTICE if request.method == "GET" and request.GET else None
    if request.method == "POST":
        initial: dict[str, object] = dict(request.POST.items())
    elif default is not None:
        initial = birth_initial(birth=default.birth)
    else:
        initial = {}
    form = BirthForm(initial=initial, engine_defaults=engine_birth_defaults())
    template = "web/today.html" if nav == "today" else "web/home.html"
    context = _form_context(
        form,
        nav=nav,
        advanced_open=bool(initial.get("longitude")),
        notice=notice,
        profiles=profiles,
        day=kst_today(),
    )
    return TemplateResponse(request, template, context)


async def home(request: HttpRequest) -> HttpResponse:
    return await _birth_page(request, nav="chart")


def _error_messages() -> dict[str, str]:
    messages = {code.name: code.message for code in ErrorCode}
    messages.update(CLIENT_ERROR_MESSAGES)
    return messages


def _form_error_response(
    request: HttpRequest, form: BirthForm, exc: SajuError | None, *, nav: str
) -> HttpResponse:
    """The form again (HTTP 400) with the problem explained where it belongs."""
    template = "web/today.html" if nav == "today" else "web/home.html"
    if exc is None:
        advanced = any(name in form.errors for name in ("longitude", "time_basis", "day_change"))
        context = _form_context(form, nav=nav, advanced_open=advanced)
        return TemplateResponse(request, template, context, status=400)
    if exc.code == engine_errors.AMBIGUOUS_TIME:
        context = _form_context(form, nav=nav, ask_fold=AMBIGUOUS_QUESTION)
        return TemplateResponse(request, template, context, status=400)
    target, message = ENGINE_FIELD_MESSAGES.get(exc.code, (None, exc.message))
    form.add_error(target, message)
    advanced = target == "longitude" or exc.code == engine_errors.MISSING_LONGITUDE
    context = _form_context(form, nav=nav, engine_code=exc.code, advanced_open=advanced)
    return TemplateResponse(request, template, context, status=400)


def _topic(value: str | None) -> str | None:
    """A known topic key, or None for the whole reading (an unknown value shows the whole reading)."""
    return value if value in TOPIC_LABELS else None


def _chart_response(
    request: HttpRequest,
    page: ChartPage,
    *,
    mode: str,
    edit: dict[str, Any],
    profile: Any = None,
    topic: str | None = None,
) -> HttpResponse:
    reading_request: dict[str, Any] = {"birth": page.birth, "mode": mode}
    if topic:
        reading_request["topic"] = topic
    context = {
        "nav": "chart",
        "page": page,
        "edit": edit,
        "profile": profile,
        "topic": topic,
        "topic_label": TOPIC_LABELS.get(topic or ""),
        "topics": TOPIC_LABELS,
        "reading": {
            "stream_url": reverse(STREAM_URL_NAME),
            "request": reading_request,
            "title": f"{TOPIC_LABELS[topic]} 풀이" if topic else "풀이",
        },
        "error_messages": _error_messages(),
        "chat_create_url": reverse(CHAT_CREATE_URL_NAME),
        "kakao_js_key": settings.KAKAO_JS_KEY,
        "kakao_sdk_url": settings.KAKAO_SDK_URL,
        "kakao_sdk_integrity": settings.KAKAO_SDK_INTEGRITY,
        **chart_page_yearly(birth=page.birth, today=kst_today()),
    }
    response = TemplateResponse(request, "web/result.html", context)
    # A page computed from a birth is kept by no shared cache; the own browser may keep it, so that "back"
    # from a follow-up page shows it again instead of a "resubmit the form?" error (it came from a POST).
    response["Cache-Control"] = "private, max-age=0"
    if settings.KAKAO_JS_KEY:
        # django-csp reads this attribute (what its csp_update decorator sets, which cannot wrap async views).
        response._csp_update = {"script-src": [settings.KAKAO_SDK_ORIGIN]}  # type: ignore[attr-defined]
    return response


@require_http_methods(["GET", "POST"])
async def chart(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return await _birth_page(request, nav="chart")
    form = BirthForm(request.POST, engine_defaults=engine_birth_defaults())
    if not form.is_valid():
        return _form_error_response(request, form, None, nav="chart")
    try:
        page = chart_page_build(birth=form.birth_mapping(), reference=kst_today())
    except SajuError as exc:
        return _form_error_response(request, form, exc, nav="chart")
    edit = {"action": reverse("web:home"), "fields": _edit_fields(request)}
    topic = _topic(request.POST.get("topic"))
    return _chart_response(request, page, mode=form.reading_mode(), edit=edit, topic=topic)


async def _member_profile(request: HttpRequest, public_id: uuid.UUID) -> Any:
    user = await request.auser()
    if not user.is_authenticated:
        return None
    try:
        return await sync_to_async(profile_get)(user_id=user.pk, public_id=public_id)
    except ServiceError as exc:
        raise Http404(exc.message or exc.code.message) from exc


async def profile_chart(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """사주 of a saved profile, addressed by the profile's opaque id (one tap from the profile list)."""
    profile = await _member_profile(request, public_id)
    if profile is None:
        return redirect_to_login(request.get_full_path())
    page = chart_page_build(birth=profile_birth_mapping(profile=profile), reference=kst_today())
    edit = {"url": reverse("accounts:profile_edit", kwargs={"public_id": profile.public_id})}
    topic = _topic(request.GET.get("topic"))
    return _chart_response(request, page, mode=DEFAULT_MODE, edit=edit, profile=profile, topic=topic)


def _today_response(
    request: HttpRequest, page: TodayPage, *, reading: dict[str, Any], edit: dict[str, Any], **extra: Any
) -> HttpResponse:
    context = {
        "nav": "today",
        "page": page,
        "day": page.days[0]["date"],
        "edit": edit,
        "reading": {**reading, "title": "오늘의 운세"},
        "error_messages": _error_messages(),
        **extra,
    }
    response = TemplateResponse(request, "web/today_result.html", context)
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_http_methods(["GET", "POST"])
async def today(request: HttpRequest) -> HttpResponse:
    """오늘의 운세: from the form's birth (anyone, POST), or from the default profile of a logged-in user
    (then the reading is the stored one the nightly batch made, answered at once)."""
    day = kst_today()
    if request.method == "POST":
        form = BirthForm(request.POST, engine_defaults=engine_birth_defaults())
        if not form.is_valid():
            return _form_error_response(request, form, None, nav="today")
        birth = form.birth_mapping()
        try:
            page = today_page_build(birth=birth, day=day)
        except SajuError as exc:
            return _form_error_response(request, form, exc, nav="today")
        reading = {
            "stream_url": f"{reverse(DAILY_URL_NAME)}?stream=1",
            "request": {"birth": birth, "date": day.isoformat()},
        }
        edit = {"action": reverse("web:today"), "fields": _edit_fields(request)}
        return _today_response(request, page, reading=reading, edit=edit)
    _user, profiles = await _member_profiles(request)
    default = next((p for p in profiles if p.is_default), None)
    if default is None or request.GET:
        return await _birth_page(request, nav="today")
    return _profile_today_response(request, default, profiles=profiles, day=day)


def _profile_today_response(
    request: HttpRequest, profile: Any, *, profiles: list[Any], day: date
) -> HttpResponse:
    page = today_page_build(birth=profile_birth_mapping(profile=profile), day=day)
    if profile.is_default:
        # The stored reading the nightly batch made for the default profile, answered at once.
        reading: dict[str, Any] = {"json_url": reverse(TODAY_URL_NAME)}
    else:
        reading = {
            "stream_url": f"{reverse(DAILY_URL_NAME)}?stream=1",
            "request": {"birth": page.birth, "date": day.isoformat()},
        }
    edit = {"url": reverse("accounts:profile_edit", kwargs={"public_id": profile.public_id})}
    return _today_response(request, page, reading=reading, edit=edit, profile=profile, profiles=profiles)


async def profile_today(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """오늘의 운세 of one saved profile (family members: one tap from the list or the switcher)."""
    profile = await _member_profile(request, public_id)
    if profile is None:
        return redirect_to_login(request.get_full_path())
    _user, profiles = await _member_profiles(request)
    return _profile_today_response(request, profile, profiles=profiles, day=kst_today())


async def _member_or_login(request: HttpRequest) -> Any:
    user = await request.auser()
    return user if user.is_authenticated else None


async def chat_list(request: HttpRequest) -> HttpResponse:
    """상담 목록 (login required): the conversations about one's readings, most recent first."""
    user = await _member_or_login(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    page = await sync_to_async(chat_page)(user_id=user.pk, limit=settings.CHAT_LIST_LIMIT)
    return TemplateResponse(request, "web/chat_list.html", {"nav": "chat", "chats": page["items"]})


async def chat_room(request: HttpRequest, chat_id: str) -> HttpResponse:
    """One 상담: earlier messages and a question box whose answer streams in."""
    user = await _member_or_login(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    chat = await sync_to_async(chat_detail)(user_id=user.pk, public_id=chat_id)
    context = {
        "nav": "chat",
        "chat": chat,
        "chat_data": {
            "messages": [
                {"role": m["role"], "content": m["content"], "generated_by": m["generated_by"]}
                for m in chat["messages"]
            ],
            "send_url": reverse(CHAT_MESSAGE_URL_NAME, kwargs={"chat_id": chat["chat_id"]}),
        },
        "error_messages": _error_messages(),
    }
    return TemplateResponse(request, "web/chat_room.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# --- installable web app (홈 화면에 추가) ------------------------------------------------------------------
THEME_COLOUR = "#8a3b12"
BACKGROUND_COLOUR = "#fbfaf7"
OFFLINE_ASSETS = ("css/site.css", "img/favicon.svg", "js/menu.js")


def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: name, icon, colours, start page — what "홈 화면에 추가" needs."""
    document = {
        "name": "사주 명식",
        "short_name": "사주 명식",
        "description": "정확한 만세력으로 보는 사주팔자와 오늘의 운세",
        "lang": "ko",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {
                "src": static("img/icon-maskable.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        document, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope is the whole site; it only keeps the offline page."""
    assets = [static(name) for name in OFFLINE_ASSETS]
    context = {
        "version": "-".join(a.rsplit("/", 1)[-1] for a in assets),
        "offline_url": reverse("web:offline"),
        "assets": json.dumps(assets),
    }
    response = TemplateResponse(request, "web/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "web/offline.html", {})
