"""The one-click unsubscribe page of the morning mail (RFC 8058). GET only shows a button (mail scanners
open links); POST unsubscribes -- from that button or straight from the mail client, which posts
`List-Unsubscribe=One-Click` without a CSRF token or a session, hence csrf_exempt (the signed token in the
URL is the authorization)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from unse.fortunes.mail import unsubscribe_user_id
from unse.fortunes.services import fortune_unsubscribe


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        done = fortune_unsubscribe(token=token)
        return TemplateResponse(
            request, "fortunes/unsubscribe.html", {"done": done, "valid": done}, status=200 if done else 404
        )
    valid = unsubscribe_user_id(token) is not None
    return TemplateResponse(
        request, "fortunes/unsubscribe.html", {"done": False, "valid": valid}, status=200 if valid else 404
    )
