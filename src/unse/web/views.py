"""Pages. Views only parse the request, call one selector and render; all user-facing text is Korean."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from saju import errors as engine_errors
from saju.errors import SajuError
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_default_get
from unse.chats.selectors import chat_detail, chat_page
from unse.core.birth_form import DAY_CHANGES, TIME_BASES, BirthForm
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode
from unse.web.selectors import birth_defaults, chart_page_build, today_page_build
from unse.web.yearly import chart_page_yearly

# URL names of the JSON API endpoints the pages talk to (django-ninja names them after the handlers).
STREAM_URL_NAME = "api:reading_stream_create"
DAILY_URL_NAME = "api:daily_create"
TODAY_URL_NAME = "api:fortune_today"
CHAT_CREATE_URL_NAME = "api:chat_create_view"
CHAT_MESSAGE_URL_NAME = "api:chat_message_create"

# What the page says for each engine code, and which field it belongs to (None: above the form).
ENGINE_FIELD_MESSAGES: dict[str, tuple[str | None, str]] = {
    engine_errors.NONEXISTENT_TIME: (
        "time",
        "이 시각은 실제로 없었습니다. 그날 서머타임 시작이나 표준시 변경으로 시계가 앞으로 건너뛰었습니다. "
        "출생 기록의 시각을 다시 확인해 주세요.",
    ),
    engine_errors.INVALID_TIME: ("time", "시각을 00:00~23:59 사이로 입력해 주세요."),
    engine_errors.INVALID_DATE: ("day", "달력에 없는 날짜입니다. 년·월·일을 다시 확인해 주세요."),
    engine_errors.INVALID_LUNAR_DATE: (
        "day",
        "그해 음력에는 없는 날짜입니다. 윤달 여부와 날짜를 확인해 주세요.",
    ),
    engine_errors.INVALID_LONGITUDE: ("longitude", "경도는 -180~180 사이의 숫자로 입력해 주세요."),
    engine_errors.INVALID_REFERENCE: ("year", "아직 오지 않은 날짜입니다. 태어난 날을 다시 확인해 주세요."),
}
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


def _form_context(form: BirthForm, *, nav: str = "chart", **extra: Any) -> dict[str, Any]:
    defaults = birth_defaults()
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


async def home(request: HttpRequest) -> HttpResponse:
    form = BirthForm(initial=request.GET.dict(), engine_defaults=birth_defaults())
    advanced = bool(request.GET.get("longitude"))
    return TemplateResponse(request, "web/home.html", _form_context(form, advanced_open=advanced))


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
        return TemplateResponse(request, template, _form_context(form, nav=nav), status=400)
    if exc.code == engine_errors.AMBIGUOUS_TIME:
        context = _form_context(form, nav=nav, ask_fold=AMBIGUOUS_QUESTION)
        return TemplateResponse(request, template, context, status=400)
    target, message = ENGINE_FIELD_MESSAGES.get(exc.code, (None, exc.message))
    form.add_error(target, message)
    advanced = target == "longitude" or exc.code == engine_errors.MISSING_LONGITUDE
    context = _form_context(form, nav=nav, engine_code=exc.code, advanced_open=advanced)
    return TemplateResponse(request, template, context, status=400)


async def chart(request: HttpRequest) -> HttpResponse:
    if not request.GET:
        return redirect("web:home")
    form = BirthForm(request.GET, engine_defaults=birth_defaults())
    if not form.is_valid():
        return _form_error_response(request, form, None, nav="chart")
    try:
        page = chart_page_build(birth=form.birth_mapping(), reference=kst_today())
    except SajuError as exc:
        return _form_error_response(request, form, exc, nav="chart")
    context = {
        "nav": "chart",
        "page": page,
        "edit_url": f"{reverse('web:home')}?{request.GET.urlencode()}",
        "reading": {
            "stream_url": reverse(STREAM_URL_NAME),
            "request": {"birth": page.birth, "mode": form.reading_mode()},
        },
        "error_messages": _error_messages(),
        "chat_create_url": reverse(CHAT_CREATE_URL_NAME),
        "kakao_js_key": settings.KAKAO_JS_KEY,
        "kakao_sdk_url": settings.KAKAO_SDK_URL,
        "kakao_sdk_integrity": settings.KAKAO_SDK_INTEGRITY,
        **chart_page_yearly(birth=page.birth, today=kst_today()),
    }
    response = TemplateResponse(request, "web/result.html", context)
    if settings.KAKAO_JS_KEY:
        # django-csp reads this attribute (what its csp_update decorator sets, which cannot wrap async views).
        response._csp_update = {"script-src": [settings.KAKAO_SDK_ORIGIN]}  # type: ignore[attr-defined]
    return response


async def today(request: HttpRequest) -> HttpResponse:
    """오늘의 운세: from the form's birth (anyone), or from the default profile of a logged-in user
    (then the reading is the stored one the nightly batch made, answered at once)."""
    day = kst_today()
    if request.GET:
        form = BirthForm(request.GET, engine_defaults=birth_defaults())
        if not form.is_valid():
            return _form_error_response(request, form, None, nav="today")
        birth = form.birth_mapping()
        reading = {
            "stream_url": f"{reverse(DAILY_URL_NAME)}?stream=1",
            "request": {"birth": birth, "date": day.isoformat()},
        }
        edit_url = f"{reverse('web:today')}?{request.GET.urlencode()}"
    else:
        user = await request.auser()
        profile = await sync_to_async(profile_default_get)(user_id=user.pk) if user.is_authenticated else None
        if profile is None:
            form = BirthForm(engine_defaults=birth_defaults())
            return TemplateResponse(request, "web/today.html", _form_context(form, nav="today", day=day))
        birth = profile_birth_mapping(profile=profile)
        reading = {"json_url": reverse(TODAY_URL_NAME)}
        edit_url = reverse("accounts:profiles")
        form = None
    try:
        page = today_page_build(birth=birth, day=day)
    except SajuError as exc:
        if form is None:
            raise
        return _form_error_response(request, form, exc, nav="today")
    context = {
        "nav": "today",
        "page": page,
        "day": day,
        "edit_url": edit_url,
        "reading": {**reading, "title": "오늘의 운세"},
        "error_messages": _error_messages(),
    }
    return TemplateResponse(request, "web/today_result.html", context)


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
