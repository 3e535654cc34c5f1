"""Third-party middleware made cheap on async requests (listed in config/settings/base.py MIDDLEWARE).

On an async request Django runs every sync `process_request`/`process_response` hook of a
`MiddlewareMixin` through `sync_to_async(thread_sensitive=True)`: two thread hand-offs per middleware
per request, plus a fresh thread per request for the request's thread-sensitive executor. WhiteNoise
is sync-only, which turns everything above it into a sync chain (one more hop each way). With eight
such middleware that was a large part of the server CPU of a short streamed request (BENCHMARKS.md,
"AI streams"). The hooks below only read and write the request and response objects, so they run
on the event loop; the two that can touch the database (session save, message storage) still go to
the request's thread whenever they would do that work.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import get_callable
from whitenoise.middleware import WhiteNoiseMiddleware


class _InlineHooks:
    """`MiddlewareMixin.__acall__` without the thread hops (the sync path is Django's own)."""

    get_response: Any

    def _response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        return False

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase | None = None
        process_request = getattr(self, "process_request", None)
        if process_request is not None:
            response = process_request(request)
        response = response or await self.get_response(request)
        process_response = getattr(self, "process_response", None)
        if process_response is not None:
            if self._response_needs_thread(request, response):
                response = await sync_to_async(process_response, thread_sensitive=True)(request, response)
            else:
                response = process_response(request, response)
        return response


class InlineSecurityMiddleware(_InlineHooks, SecurityMiddleware):
    pass


class InlineCSPMiddleware(_InlineHooks, CSPMiddleware):
    pass


class InlineSessionMiddleware(_InlineHooks, SessionMiddleware):
    # process_request only builds a lazy store; process_response writes only when the session changed.
    def _response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class InlineCommonMiddleware(_InlineHooks, CommonMiddleware):
    pass


class _Rejection(HttpResponseForbidden):
    """A CSRF rejection decided on the event loop, rendered later in a thread."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class InlineCsrfViewMiddleware(_InlineHooks, CsrfViewMiddleware):
    # The secret lives in a cookie (CSRF_USE_SESSIONS is off), so the view check is pure CPU too; a
    # coroutine `process_view` is called by Django's async handler directly instead of via a thread.
    # Only a rejection goes to a thread: the failure page's context loads the user (a database read),
    # which on the event loop raised SynchronousOnlyOperation and left a bare fallback page (issue 20).
    async def aprocess_view(self, *args: Any, **kwargs: Any) -> HttpResponseBase | None:
        result = super().process_view(*args, **kwargs)
        if isinstance(result, _Rejection):
            request: HttpRequest = args[0]
            return await sync_to_async(self._render_rejection, thread_sensitive=True)(request, result.reason)
        return result

    def _render_rejection(self, request: HttpRequest, reason: str) -> HttpResponseBase:
        # CSRF_FAILURE_VIEW (unse.core.responses.csrf_failure) logs the reason itself.
        response: HttpResponseBase = get_callable(settings.CSRF_FAILURE_VIEW)(request, reason=reason)
        return response

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponseBase:
        if self._defer_rejection:
            return _Rejection(reason)
        return self._render_rejection(request, reason)

    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        self._defer_rejection = False
        if iscoroutinefunction(get_response) and not settings.CSRF_USE_SESSIONS:
            self._defer_rejection = True
            self.process_view = self.aprocess_view  # type: ignore[method-assign,assignment]


class InlineAuthenticationMiddleware(_InlineHooks, AuthenticationMiddleware):
    # Sets the lazy `request.user` / `request.auser`: the user is loaded only when someone asks.
    pass


class InlineMessageMiddleware(_InlineHooks, MessageMiddleware):
    # Storing messages may load or write the session: only then in the request's thread.
    def _response_needs_thread(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and bool(storage.used or storage.added_new)


class InlineXFrameOptionsMiddleware(_InlineHooks, XFrameOptionsMiddleware):
    pass


class StaticFilesMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]
    """WhiteNoise, async-capable: a request that is not for a static file costs one dict lookup."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any, settings: Any = settings) -> None:
        super().__init__(get_response, settings=settings)
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:  # development only: looks at the file system, so off the loop
            static_file = await sync_to_async(self.find_file, thread_sensitive=False)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            served: HttpResponseBase = await sync_to_async(self.serve, thread_sensitive=False)(
                static_file, request
            )
            return served
        response: HttpResponseBase = await self.get_response(request)
        return response
