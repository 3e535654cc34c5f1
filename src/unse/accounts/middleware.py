"""Personal-space middleware (async-capable, so it never forces a sync hop under ASGI).

* `Cache-Control: no-store` on every answer under the personal prefixes (allauth's account pages included),
  in case a view forgot; personal views also set it themselves.
* `User.last_seen_at` (used by the nightly batch to pick active users) is refreshed at most once per
  LAST_SEEN_INTERVAL per session: one UPDATE an hour per user, not one per request.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from unse.accounts.models import User

PERSONAL_PREFIXES = ("/accounts/", "/me/", "/api/v1/me")
LAST_SEEN_INTERVAL_SECONDS = 3600
SESSION_KEY = "_unse_last_seen"
AUTH_SESSION_KEY = "_auth_user_id"


def _mark_no_store(request: HttpRequest, response: HttpResponseBase) -> None:
    if request.path.startswith(PERSONAL_PREFIXES) and "no-store" not in response.get("Cache-Control", ""):
        add_never_cache_headers(response)


def _touch(user_id: str) -> None:
    User.objects.filter(pk=user_id, deleted_at__isnull=True).update(last_seen_at=timezone.now())


class PersonalSpaceMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)  # noqa: S101 -- sync chain
        _mark_no_store(request, response)
        session = getattr(request, "session", None)
        if session is not None:
            user_id = session.get(AUTH_SESSION_KEY)
            if user_id and time.time() - float(session.get(SESSION_KEY, 0)) > LAST_SEEN_INTERVAL_SECONDS:
                _touch(user_id)
                session[SESSION_KEY] = time.time()
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await self.get_response(request)  # type: ignore[misc]
        _mark_no_store(request, response)
        session = getattr(request, "session", None)
        if session is not None:
            user_id = await session.aget(AUTH_SESSION_KEY)
            if (
                user_id
                and time.time() - float(await session.aget(SESSION_KEY, 0)) > LAST_SEEN_INTERVAL_SECONDS
            ):
                await sync_to_async(_touch)(user_id)
                await session.aset(SESSION_KEY, time.time())
        return response
