"""The 궁합 page (/gunghap/): two birth forms (POST, so no birth data in the URL), each of which a
logged-in user may fill from a saved profile; then both charts side by side, the relations drawn between
them, the score with its breakdown, the rule-based reading at once and the AI reading streamed under it."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from saju.compat import Relationship
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_get, profile_list
from unse.core.birth_form import BirthForm, engine_birth_defaults
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.web.gunghap_page import gunghap_page_build

READING_URL_NAME = "api:gunghap_reading_create"
SIDES = ("a", "b")
PERSON_TITLES = {"a": "첫째 사람 (A)", "b": "둘째 사람 (B)"}
RELATIONS = [(r.value, r.label) for r in Relationship]
RELATION_HINTS = {
    "parent": "A가 부모, B가 자녀입니다.",
    "child": "A가 자녀, B가 부모입니다.",
}


def _profiles(user_id: int) -> list[dict[str, str]]:
    return [
        {"id": str(p.public_id), "label": f"{p.label} ({p.get_relation_display()})"}
        for p in profile_list(user_id=user_id)
    ]


def _error_messages() -> dict[str, str]:
    return {code.name: code.message for code in ErrorCode}


def _form_page(
    request: HttpRequest,
    forms: dict[str, BirthForm],
    *,
    profiles: list[dict[str, str]],
    chosen: dict[str, str],
    relation: str,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    people = [
        {
            "side": side,
            "title": PERSON_TITLES[side],
            "form": forms[side],
            "chosen": chosen.get(side, ""),
            "error": (errors or {}).get(side, ""),
        }
        for side in SIDES
    ]
    context: dict[str, Any] = {
        "nav": "gunghap",
        "people": people,
        "profiles": profiles,
        "relations": RELATIONS,
        "relation": relation,
        "relation_hints": RELATION_HINTS,
    }
    return TemplateResponse(request, "web/gunghap.html", context, status=status)


async def gunghap(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    profiles = await sync_to_async(_profiles)(user.pk) if user.is_authenticated else []
    defaults = engine_birth_defaults()
    if request.method != "POST":
        forms = {side: BirthForm(prefix=side, engine_defaults=defaults) for side in SIDES}
        # ?a=<profile id> (from a saved profile's "궁합 보기"): a profile id is not birth data.
        chosen = {side: request.GET.get(side, "") for side in SIDES}
        return _form_page(request, forms, profiles=profiles, chosen=chosen, relation="couple")
    relation = request.POST.get("relation") or Relationship.COUPLE.value
    forms, births, chosen = {}, {}, {}
    valid = True
    for side in SIDES:
        profile_id = request.POST.get(f"{side}-profile", "")
        chosen[side] = profile_id
        if profile_id and user.is_authenticated:
            profile = await sync_to_async(profile_get)(user_id=user.pk, public_id=profile_id)
            births[side] = profile_birth_mapping(profile=profile)
            forms[side] = BirthForm(prefix=side, engine_defaults=defaults)
            continue
        form = BirthForm(request.POST, prefix=side, engine_defaults=defaults)
        forms[side] = form
        if form.is_valid():
            births[side] = form.birth_mapping()
        else:
            valid = False
    if not valid or relation not in dict(RELATIONS):
        return _form_page(request, forms, profiles=profiles, chosen=chosen, relation=relation, status=400)
    try:
        page = gunghap_page_build(a=births["a"], b=births["b"], relation=relation, reference=kst_today())
    except ServiceError as error:
        side = str(error.details.get("person", ""))
        message = str(error.message)
        errors = {side if side in SIDES else "a": message}
        return _form_page(
            request, forms, profiles=profiles, chosen=chosen, relation=relation, errors=errors, status=400
        )
    context = {
        "nav": "gunghap",
        "page": page,
        "reading": {
            "title": "AI 궁합 풀이",
            "stream_url": f"{reverse(READING_URL_NAME)}?stream=1",
            "request": {"a": page.page_a.birth, "b": page.page_b.birth, "relation": page.relation},
        },
        "error_messages": _error_messages(),
    }
    return TemplateResponse(request, "web/gunghap_result.html", context)
