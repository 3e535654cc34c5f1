"""The ASGI entry point's handler: Django's, except that a streaming response does not keep its request.

Django's `ASGIHandler.handle` keeps the request for as long as the response is sent: in its own frame, in
the task that sends the response, and in the response's resource closers (`request.close`). For a page that
is milliseconds; for an AI stream that stays open for minutes it is the request's META, session, user,
URL match, body file and CSP nonce, about 8 KiB per open stream, and the ≈ 2 KiB of response header
objects that were sent with the first byte (issue 19: memory per open stream, measured with tracemalloc in
a worker holding 1,000 slow streams: 56 -> 46 KiB of Python memory per stream).

Here the request is handed to the response task alone, which lets go of it as soon as the view has returned
an event stream (`EventStreamResponse`, whose content never reads the request: the middleware, the session
save and the access log ran on the way out), so `request.close` runs at once instead of after the last
byte; other streaming responses (a CSV export may read its request while it streams) keep Django's order.
An event stream's headers and cookies are dropped once the first message carried them. Sentry's Django
integration would keep the request too (its ASGI request processor holds it for the request's scope, i.e.
the stream's life): unless Sentry is to send user data, the request is built here and its request data is
read through a weak reference, as Sentry's own WSGI integration does (an event of an open stream still
carries the URL and headers of the ASGI scope). Closing a request starts no thread unless its code used one
(`_finished`). The response is made and sent in the server's task for the request, not in a task of its
own, and the disconnect listener's callback cancels it (`_respond_until_disconnect`): what the view sees of
a disconnect is Django's cancellation, without a second task and the wait on both for each open stream.
Everything else is Django 5.2's code; `DJANGO_SOURCES_SHA256` pins the module this copy follows, and a test
fails when Django's changes (docs/decisions.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from http.cookies import Morsel, SimpleCookie
from typing import IO, Any, NoReturn, cast

import django
import sentry_sdk
from asgiref.sync import SyncToAsync, sync_to_async
from django import urls
from django.core import signals
from django.core.exceptions import RequestAborted, RequestDataTooBig
from django.core.handlers.asgi import ASGIHandler, ASGIRequest, get_script_prefix
from django.db import close_old_connections, connections, reset_queries
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase, ResponseHeaders
from django.urls import set_script_prefix
from sentry_sdk.integrations.django import DjangoIntegration, DjangoRequestExtractor
from sentry_sdk.scope import should_send_default_pii
from sentry_sdk.types import Event, Hint
from sentry_sdk.utils import capture_internal_exceptions, has_data_collection_enabled

from unse.core.event_stream import EventStreamResponse

logger = logging.getLogger("django.request")

Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

# sha256 of django/core/handlers/asgi.py, the module this class follows (tests/unse/core/test_asgi.py fails
# when it changes; the file, not the methods: Sentry replaces some of them at run time).
DJANGO_SOURCES_SHA256 = "4d963486575b32aa9fd04bd2d4ecd15f7988a5011341296980070d85a5c9d418"


class StreamReleasingASGIHandler(ASGIHandler):
    """See the module docstring."""

    async def handle(self, scope: dict[str, Any], receive: Receive, send: Send) -> HttpResponseBase | None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return None
        prefix = get_script_prefix(scope)
        if urls.get_script_prefix() != (prefix if prefix.endswith("/") else f"{prefix}/"):
            # As Django, but only when it changes what reverse() sees: setting it stores a new asgiref Local
            # in the request's context, ≈ 0.5 KiB kept for an open stream's life (issue 19).
            set_script_prefix(prefix)
        await signals.request_started.asend(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if error_response is not None:  # Django returns a request or the response that refuses it
            body_file.close()
            await self.send_response(error_response, send)
            await self._finished(error_response)
            return None
        handed = _Handed(cast(HttpRequest, request), body_file)
        del request, body_file
        try:
            response = await self._respond_until_disconnect(handed, receive, send)
        except AssertionError:  # an ASGI message Django does not expect after the body
            handed.close_body()
            raise
        await self._finished(response)
        handed.close_body()
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            # A cancellation besides the disconnect's (the server shutting down) came while the response was
            # sent, where it ends the sending (as in Django): the response is closed, now pass it on.
            raise asyncio.CancelledError
        return None

    async def _respond_until_disconnect(
        self, handed: _Handed, receive: Receive, send: Send
    ) -> HttpResponseBase | None:
        """The response, made and sent by this task while a task of its own waits for the client's next
        message (the disconnect), which cancels the response as in Django (the view sees the cancellation:
        an AI stream closes its upstream request in `finally`). None when the client left before the view
        returned.

        Django runs the response in a second task and waits for the first of both to end: that task and
        the wait cost ≈ 2.5 KiB for each open stream (issue 19: memory per open stream). For the same
        reason the response is made and sent here rather than in a coroutine of its own, and the listener
        is the server's `receive()` itself, not Django's `listen_for_disconnect` around it: every level of
        coroutine is kept for the stream's life (≈ 0.25 KiB each)."""
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - an ASGI app is always called from a task
        watch = _DisconnectWatch(task)
        listener = asyncio.ensure_future(receive())
        listener.add_done_callback(watch)
        response: HttpResponseBase | None = None
        try:
            request = handed.take_request()
            response = await self.run_get_response(request)
            if isinstance(response, EventStreamResponse):
                _release_request(request, response)
                handed.close_body()  # the view read it
            del request
            # try/except, not contextlib.suppress: that object would be kept for the stream's life.
            try:  # noqa: SIM105
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client disconnected while it was sent
        except asyncio.CancelledError:
            if not watch.cancelled:
                raise  # the server's (it is shutting down), not the disconnect's
            # The disconnect's, before the view returned: nothing to close but the request. A cancellation of
            # the server's that came as well is passed on by `handle` (`task.cancelling()`).
        finally:
            watch.responding = False
            if watch.cancelled:
                # Once, whatever the response made of the cancellation (returned while sending, or raised).
                task.uncancel()
            if not listener.done():
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
        if watch.failure is not None:
            raise watch.failure
        return response

    async def _finished(self, response: HttpResponseBase | None) -> None:
        """Close the response (or only send request_finished when its task was cancelled).

        Django does it in the request's thread (`sync_to_async`), where the request_finished receivers
        close what the request's sync code opened there (its database connections). A request whose
        code never ran in such a thread has none, and Django then started one only for this and another
        to join it: two thread starts per request, about a tenth of the event loop's time at 400 streams
        (py-spy, issue 19). Such a request is closed here, on the loop: the receivers find nothing to
        close (Django refuses database work on the loop thread) and reset the URLconf as in the thread.
        """
        if not _closes_on_the_loop():
            if response is None:
                await signals.request_finished.asend(sender=self.__class__)
            else:
                await sync_to_async(response.close)()
        elif response is None:
            signals.request_finished.send(sender=self.__class__)
        else:
            response.close()

    def create_request(
        self, scope: Mapping[str, Any], body_file: IO[bytes]
    ) -> tuple[ASGIRequest, None] | tuple[None, HttpResponseBase]:
        if _sentry_sends_user_info():
            return super().create_request(scope, body_file)  # Sentry's own processor, and its user data
        try:
            request = self.request_class(scope, body_file)
        except UnicodeDecodeError:
            logger.warning(
                "Bad Request (UnicodeDecodeError)", exc_info=sys.exc_info(), extra={"status_code": 400}
            )
            return None, HttpResponseBadRequest()
        except RequestDataTooBig:
            return None, HttpResponse("413 Payload too large", status=413)
        _sentry_request_data(request)
        return request, None

    async def send_response(self, response: HttpResponseBase, send: Send) -> None:
        if not isinstance(response, StreamingHttpResponse):  # Django's only streaming response class
            await super().send_response(response, send)
            return
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": _headers(response)}
        )
        if isinstance(response, EventStreamResponse):
            # Sent; a text part is encoded with the charset read here, as Django reads it from the header.
            response.charset = response.charset
            response.headers = _SENT_HEADERS
            response.cookies = _SENT_COOKIES
        # As Django: `__aiter__` (a sync iterator is mapped), closed as by aclosing() (whose object would be
        # kept for the stream's life).
        content = cast(AsyncGenerator[bytes, None], aiter(response))  # async generators, Django's and ours
        try:
            async for part in content:
                if 0 < len(part) <= self.chunk_size:  # one chunk (an event): no generator per part
                    await send({"type": "http.response.body", "body": part, "more_body": True})
                    continue
                for chunk, _ in self.chunk_bytes(part):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await content.aclose()
        await send({"type": "http.response.body"})


_SENT = "an event stream's headers and cookies were sent with its first message"


class _SentHeaders(ResponseHeaders):
    """The headers of every event stream once its first message carried them: one empty object that refuses
    changes (a fresh pair of headers and cookies was ≈ 0.5 KiB per open stream; issue 19)."""

    def __setitem__(self, key: str, value: str | bytes | int) -> None:
        raise RuntimeError(_SENT)

    def __delitem__(self, key: str) -> None:
        raise RuntimeError(_SENT)


class _SentCookies(SimpleCookie):
    """The cookies of every event stream once sent (see `_SentHeaders`); `dict`'s own writers refuse too."""

    def __setitem__(self, key: str, value: str | Morsel[str]) -> None:
        raise RuntimeError(_SENT)

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError(_SENT)

    load = update = setdefault = pop = popitem = clear = __delitem__ = __ior__ = _refuse


_SENT_HEADERS = _SentHeaders({})
_SENT_COOKIES = _SentCookies()


class _Handed:
    """The request and its body file, handed to the response: an event stream lets go of both once its view
    returned; otherwise the body file is closed after the response, as Django does."""

    __slots__ = ("body_file", "request")

    def __init__(self, request: HttpRequest, body_file: IO[bytes]) -> None:
        self.request: HttpRequest | None = request
        self.body_file: IO[bytes] | None = body_file

    def take_request(self) -> HttpRequest:
        request, self.request = self.request, None
        assert request is not None  # noqa: S101 - taken once, by the response
        return request

    def close_body(self) -> None:
        if self.body_file is not None:
            self.body_file.close()
            self.body_file = None


class _DisconnectWatch:
    """The listener's done callback: the client's message after the body is the disconnect (anything else
    is the server's error, as in Django's `listen_for_disconnect`); it cancels the response while the
    response is being made or sent (`responding`), and keeps what the listener raised or the error."""

    __slots__ = ("cancelled", "failure", "responding", "task")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task = task
        self.responding = True
        self.cancelled = False
        self.failure: BaseException | None = None

    def __call__(self, listener: asyncio.Future[Mapping[str, Any]]) -> None:
        if listener.cancelled():
            return
        error = listener.exception()  # retrieved: never logged as "exception was never retrieved"
        if isinstance(error, RequestAborted):
            error = None  # a server that reports the disconnect so: the disconnect
        elif error is None and (kind := listener.result().get("type")) != "http.disconnect":
            error = AssertionError(f"Invalid ASGI message after request body: {kind}")
        self.failure = error
        if self.responding:
            self.cancelled = True
            self.task.cancel()


def _sentry_sends_user_info() -> bool:
    """Sentry's own condition for adding the request's user to an event (off here: config/sentry.py)."""
    options = sentry_sdk.get_client().options
    if has_data_collection_enabled(options):
        return bool(options["data_collection"]["user_info"])
    return should_send_default_pii()


def _sentry_request_data(request: ASGIRequest) -> None:
    """Sentry's request data for the events of this request's scope, from a weak reference."""
    if sentry_sdk.get_client().get_integration(DjangoIntegration) is None:
        return
    alive = weakref.ref(request)

    def request_data(event: Event, hint: Hint) -> Event:
        request = alive()
        if request is not None:
            with capture_internal_exceptions():
                DjangoRequestExtractor(request).extract_into_event(event)
        return event

    sentry_sdk.get_isolation_scope().add_event_processor(request_data)


def _closes_on_the_loop() -> bool:
    """Whether closing this request on the loop does what closing it in its thread would: its
    ThreadSensitiveContext (Django's `__call__`) never started its thread, no request_finished receiver is
    async (`Signal.send` cannot run one on the loop) and this thread holds no database connection (Django
    refuses to check one on the loop; none is opened here, but a warm-up that did would fail every request).
    """
    try:
        context = SyncToAsync.thread_sensitive_context.get()
    except LookupError:
        return False  # no request context: Django's way
    if context in SyncToAsync.context_to_thread_executor:
        return False
    # Django records at connect whether a receiver is async (a dead weak one only costs Django's way).
    if any(is_async for _key, _receiver, is_async in signals.request_finished.receivers):
        return False
    return all(conn.connection is None for conn in connections.all(initialized_only=True))


def _headers(response: HttpResponseBase) -> list[tuple[bytes, bytes]]:
    """Django's header list of a response's start message (header case preserved, cookies last)."""
    headers = [(name.encode("ascii"), value.encode("latin1")) for name, value in response.items()]
    headers.extend(
        (b"Set-Cookie", cookie.output(header="").encode("ascii").strip())
        for cookie in response.cookies.values()
    )
    return headers


def _release_request(request: HttpRequest, response: HttpResponseBase) -> None:
    """Close the request now rather than after the stream's last byte (its body was read by the view)."""
    closers: list[Callable[[], None]] = response._resource_closers  # type: ignore[attr-defined]  # noqa: SLF001
    try:
        closers.remove(request.close)  # Django registers it in get_response_async; it held the request
    except ValueError:
        return  # not registered there (another Django): closed with the response, as Django does
    with contextlib.suppress(Exception):  # as HttpResponseBase.close treats its closers
        request.close()


def request_started_receivers_drop() -> list[Callable[..., Any]]:
    """Disconnect Django's request_started receivers (close_old_connections, reset_queries); returns those
    that were connected. Under ASGI every request runs in a fresh ThreadSensitiveContext, so they find no
    connection and no query log in that request's thread: they only made Django start a thread for every
    request, which then lived as long as the response, i.e. one idle OS thread per open stream (issue 19).
    request_finished keeps them: whatever a request opened in its thread is still closed when it ends."""
    receivers: list[Callable[..., Any]] = [close_old_connections, reset_queries]
    return [receiver for receiver in receivers if signals.request_started.disconnect(receiver)]


def asgi_application() -> StreamReleasingASGIHandler:
    """`django.core.asgi.get_asgi_application` with this handler."""
    django.setup(set_prefix=False)
    return StreamReleasingASGIHandler()
