"""The one CSRF guard of the JSON API's cookie-authenticated writes.

django-ninja routes are CSRF-exempt by default. A write made with the session cookie (a logged-in user)
must carry Django's CSRF token (the `X-CSRFToken` header the web UI sends), or a third-party page could
act as that user; anonymous requests carry no session and need none.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from ninja.utils import check_csrf

from unse.core.errors import ErrorCode, ServiceError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_require(request: HttpRequest) -> None:
    """Raise CSRF_FAILED unless a write carries a valid CSRF token (safe methods always pass)."""
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise ServiceError(ErrorCode.CSRF_FAILED)


async def acsrf_require(request: HttpRequest) -> None:
    if request.method in SAFE_METHODS:
        return  # nothing to check: no thread hop on a logged-in GET (e.g. /api/v1/fortunes/today)
    # The check may read a form-encoded body for the token: a blocking call, off the event loop.
    await sync_to_async(csrf_require)(request)
