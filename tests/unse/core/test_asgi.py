"""The ASGI handler (unse.core.asgi): a streaming response lets go of its request and of its sent headers;
everything a client sees is what Django's own handler sends."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import inspect
import json
import threading
import weakref
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import django.core.handlers.asgi
import pytest
import sentry_sdk
from asgiref.sync import sync_to_async
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

from unse.core.asgi import (
    DJANGO_SOURCES_SHA256,
    StreamReleasingASGIHandler,
    asgi_application,
    request_started_receivers_drop,
)
from unse.core.event_stream import EventStreamResponse

pytestmark = [pytest.mark.urls("tests.unse.core.test_asgi"), pytest.mark.django_db(transaction=True)]


class _Stream:
    """What the streaming view saw and did; the test opens `gate` to let the stream end."""

    def __init__(self) -> None:
        self.request: weakref.ref[HttpRequest] | None = None
        self.gate = asyncio.Event()
        self.closed = False
        self.view_started = asyncio.Event()
        self.view_cancelled = False
        self.response: EventStreamResponse | None = None
        self.headers: weakref.ref[object] | None = None


STREAM = _Stream()


async def held_stream(request: HttpRequest) -> EventStreamResponse:
    STREAM.request = weakref.ref(request)
    name = request.GET.get("name", "")
    report = "report" in request.GET
    if report:
        sentry_sdk.capture_message("from the view")

    async def parts() -> AsyncIterator[bytes]:
        try:
            yield f"first {name}\n".encode()
            await STREAM.gate.wait()
            if report:
                sentry_sdk.capture_message("from the open stream")
            yield b"last\n"
        finally:
            STREAM.closed = True

    response = EventStreamResponse(parts(), content_type="text/event-stream; charset=utf-8")
    response["X-Stream"] = "open"
    response.set_cookie("seen", "1", httponly=True)
    STREAM.response = response
    STREAM.headers = weakref.ref(response.headers)
    return response


async def slow_page(request: HttpRequest) -> HttpResponse:
    """A view that is still working when the client may leave."""
    STREAM.view_started.set()
    try:
        await STREAM.gate.wait()
    except asyncio.CancelledError:
        STREAM.view_cancelled = True
        raise
    return HttpResponse("late")


async def page(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("안녕하세요", content_type="text/plain; charset=utf-8")
    response["X-Page"] = "yes"
    response.set_cookie("visited", "1")
    return response


def korean_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Text parts under a charset of the header only, from a sync iterator (a CSV export for Excel)."""
    rows = (f"{name},{score}\n" for name, score in [("궁합", 87), ("신년운세", 72)])
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=cp949")
    response["Content-Disposition"] = 'attachment; filename="scores.csv"'
    return response


@csrf_exempt
async def echo_body(request: HttpRequest) -> StreamingHttpResponse:
    """A streaming response that reads its request while it streams (not an event stream)."""

    async def parts() -> AsyncIterator[bytes]:
        yield b"len="
        yield str(len(request.body)).encode()

    return StreamingHttpResponse(parts(), content_type="text/plain")


OPENED: list[BaseDatabaseWrapper] = []


async def page_with_sync_code(request: HttpRequest) -> HttpResponse:
    """Sync code in the request's thread (as a sync middleware or view runs) that opens a connection."""

    def query() -> None:
        wrapper = connections["default"]  # this thread's, not the proxy
        wrapper.ensure_connection()
        OPENED.append(wrapper)

    await sync_to_async(query)()
    return HttpResponse("ok")


async def where(request: HttpRequest) -> HttpResponse:
    """The URLs a page links to under the script prefix it is served at."""
    return HttpResponse(f"{reverse('where')} {request.path}")


urlpatterns = [
    path("where/", where, name="where"),
    path("held/", held_stream),
    path("page/", page),
    path("slow/", slow_page),
    path("sync/", page_with_sync_code),
    path("csv/", korean_csv),
    path("echo/", echo_body),
]


@pytest.fixture(autouse=True)
def _fresh_stream() -> Iterator[None]:
    global STREAM
    STREAM = _Stream()
    yield
    STREAM.gate.set()


@pytest.fixture
def finished() -> Iterator[list[object]]:
    """Senders of `request_finished` while the test runs."""
    senders: list[object] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        senders.append(sender)

    signals.request_finished.connect(receiver)
    yield senders
    signals.request_finished.disconnect(receiver)


def _scope(url: str, method: str = "GET", body: bytes = b"", root_path: str = "") -> dict[str, Any]:
    path_, _, query = url.partition("?")
    headers = [(b"host", b"testserver")]
    if body:
        headers += [
            (b"content-type", b"application/octet-stream"),
            (b"content-length", str(len(body)).encode()),
        ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path_,
        "raw_path": path_.encode(),
        "query_string": query.encode(),
        "root_path": root_path,
        "headers": headers,
        "client": ("127.0.0.1", 5555),
        "server": ("testserver", 80),
    }


class _Client:
    """One ASGI request against `app`: what it sent, and a way to disconnect."""

    def __init__(
        self, app: ASGIHandler, url: str, method: str = "GET", body: bytes = b"", root_path: str = ""
    ) -> None:
        self.sent: list[Mapping[str, Any]] = []
        self.first_body = asyncio.Event()
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._inbox.put_nowait({"type": "http.request", "body": body, "more_body": False})
        # What the server's task is left with after the app returned (uvicorn goes on in that task).
        self.cancelling_after: int | None = None
        self.task = asyncio.ensure_future(self._serve(app, _scope(url, method, body, root_path)))

    async def _serve(self, app: ASGIHandler, scope: dict[str, Any]) -> None:
        await app(scope, self._inbox.get, self._send)
        task = asyncio.current_task()
        assert task is not None
        self.cancelling_after = task.cancelling()

    async def _send(self, message: Mapping[str, Any]) -> None:
        self.sent.append(message)
        if message.get("body"):
            self.first_body.set()

    def disconnect(self) -> None:
        self._inbox.put_nowait({"type": "http.disconnect"})

    def send_more_body(self) -> None:
        """A message the server never sends after the body (its bug, not the client's)."""
        self._inbox.put_nowait({"type": "http.request", "body": b"late", "more_body": False})

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


async def test_an_open_stream_does_not_keep_its_request(finished: list[object]) -> None:
    client = _Client(asgi_application(), "/held/?name=a")
    await asyncio.wait_for(client.first_body.wait(), timeout=10)
    gc.collect()
    assert STREAM.request is not None
    assert STREAM.request() is None  # Django's own handler keeps it until the last byte
    start = client.sent[0]
    assert start["status"] == 200
    assert (b"X-Stream", b"open") in start["headers"]
    assert any(name == b"Set-Cookie" and value.startswith(b"seen=1") for name, value in start["headers"])
    assert finished == []

    STREAM.gate.set()
    await asyncio.wait_for(client.task, timeout=10)
    assert client.body == b"first a\nlast\n"
    assert client.sent[-1] == {"type": "http.response.body"}
    assert STREAM.closed
    assert len(finished) == 1  # the response was closed once


async def test_an_open_stream_lets_go_of_its_sent_headers_and_refuses_late_ones() -> None:
    client = _Client(asgi_application(), "/held/")
    await asyncio.wait_for(client.first_body.wait(), timeout=10)
    gc.collect()
    assert (b"X-Stream", b"open") in client.sent[0]["headers"]
    assert STREAM.headers is not None and STREAM.headers() is None  # freed once sent
    response = STREAM.response
    assert response is not None
    assert response.get("X-Stream") is None
    assert response.get("Content-Type") is None
    with pytest.raises(RuntimeError, match="sent with its first message"):
        response["X-Late"] = "1"  # a bug: it could never reach the client
    with pytest.raises(RuntimeError, match="sent with its first message"):
        response.set_cookie("late", "1")
    with pytest.raises(RuntimeError, match="sent with its first message"):
        response.cookies.load("late=1")
    # Every open stream shares them: still empty.
    assert len(response.headers) == 0
    assert len(response.cookies) == 0
    STREAM.gate.set()
    await asyncio.wait_for(client.task, timeout=10)
    assert client.body == b"first \nlast\n"


async def test_a_disconnect_cancels_the_stream_and_finishes_the_request(finished: list[object]) -> None:
    client = _Client(asgi_application(), "/held/")
    await asyncio.wait_for(client.first_body.wait(), timeout=10)
    client.disconnect()
    await asyncio.wait_for(client.task, timeout=10)
    assert STREAM.closed  # the view's `finally` ran (an AI stream closes its upstream request there)
    assert b"last" not in client.body
    assert len(finished) == 1
    assert client.cancelling_after == 0  # the disconnect's cancellation does not outlive the response


@pytest.mark.parametrize("handler", [asgi_application, ASGIHandler], ids=["ours", "djangos"])
async def test_a_disconnect_while_the_view_works_cancels_the_view(
    handler: Any, finished: list[object]
) -> None:
    client = _Client(handler(), "/slow/")
    await asyncio.wait_for(STREAM.view_started.wait(), timeout=10)
    client.disconnect()
    await asyncio.wait_for(client.task, timeout=10)  # returns: a disconnect is not an error
    assert STREAM.view_cancelled
    assert client.sent == []
    assert len(finished) == 1  # request_finished, without a response to close
    assert client.cancelling_after == 0


@pytest.mark.parametrize("handler", [asgi_application, ASGIHandler], ids=["ours", "djangos"])
@pytest.mark.parametrize("url", ["/slow/", "/held/"], ids=["while_the_view_works", "while_it_streams"])
async def test_a_message_after_the_body_fails_the_request_as_in_django(handler: Any, url: str) -> None:
    """The server's error, raised to it as Django raises it; ours also ends the view or its stream (Django's
    handler leaves them running in their task)."""
    client = _Client(handler(), url)
    working = url == "/slow/"
    await asyncio.wait_for((STREAM.view_started if working else client.first_body).wait(), timeout=10)
    client.send_more_body()
    with pytest.raises(AssertionError, match="Invalid ASGI message after request body: http.request"):
        await asyncio.wait_for(client.task, timeout=10)
    if handler is asgi_application:
        assert STREAM.view_cancelled if working else STREAM.closed


@pytest.mark.parametrize("root_path", ["/sub", "/app/v2", ""])
async def test_urls_follow_the_script_prefix_of_each_request(root_path: str) -> None:
    """The prefix is set only when it differs from the one in effect: a request served under a prefix
    reverses under it, as with Django's handler, and the next request without one does not inherit it."""
    for prefix in (root_path, "", root_path):
        bodies = []
        for app in (asgi_application(), ASGIHandler()):
            client = _Client(app, f"{prefix}/where/", root_path=prefix)
            await asyncio.wait_for(client.task, timeout=10)
            bodies.append(client.body.decode())
        assert bodies[0] == bodies[1] == f"{prefix}/where/ {prefix}/where/"


@pytest.mark.parametrize("url", ["/slow/", "/held/"], ids=["while_the_view_works", "while_it_streams"])
async def test_a_server_cancellation_ends_the_response_and_is_passed_on(url: str) -> None:
    """The server cancels its tasks when it shuts down: that cancellation is not swallowed, and the view or
    its stream sees it (Django's handler leaves a view that is still working running in its own task)."""
    client = _Client(asgi_application(), url)
    working = url == "/slow/"
    await asyncio.wait_for((STREAM.view_started if working else client.first_body).wait(), timeout=10)
    client.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await client.task
    assert STREAM.view_cancelled if working else STREAM.closed


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/page/", b""),
        ("GET", "/held/?name=%EC%82%AC%EC%A3%BC", b""),
        ("HEAD", "/held/", b""),
        ("GET", "/csv/", b""),
        ("POST", "/echo/", b"0123456789"),
        ("GET", "/nowhere/", b""),
        ("GET", "/page/?q=%ff", b""),
    ],
)
async def test_a_client_receives_what_djangos_own_handler_sends(method: str, url: str, body: bytes) -> None:
    STREAM.gate.set()
    ours = _Client(asgi_application(), url, method, body)
    await asyncio.wait_for(ours.task, timeout=10)
    djangos = _Client(ASGIHandler(), url, method, body)
    await asyncio.wait_for(djangos.task, timeout=10)

    def without_request_id(messages: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        start = dict(messages[0])
        start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"x-request-id"]
        return [start, *messages[1:]]

    assert without_request_id(ours.sent) == without_request_id(djangos.sent)
    assert ours.sent[0]["status"] == (404 if url == "/nowhere/" else 200)
    if url == "/csv/":
        assert ours.body == "궁합,87\n신년운세,72\n".encode("cp949")
    if url == "/echo/":
        assert ours.body == b"len=10"


def test_the_copy_follows_the_installed_djangos_handler() -> None:
    source = inspect.getsource(django.core.handlers.asgi)
    assert hashlib.sha256(source.encode()).hexdigest() == DJANGO_SOURCES_SHA256, (
        "django/core/handlers/asgi.py changed: bring StreamReleasingASGIHandler in line with it, then "
        "update DJANGO_SOURCES_SHA256"
    )
    assert isinstance(asgi_application(), StreamReleasingASGIHandler)


@pytest.fixture
def thread_starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads started while the test runs."""
    started: list[str] = []
    original = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append(thread.name)
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started


@pytest.fixture
def served_worker() -> Iterator[None]:
    """As config/asgi.py sets up a worker: no request_started receivers, the maintenance memo kept."""
    dropped = request_started_receivers_drop()
    with override_settings(MAINTENANCE_CHECK_INTERVAL_SECONDS=60.0):
        yield
    for receiver in dropped:
        signals.request_started.connect(receiver)


@pytest.mark.usefixtures("served_worker")
@pytest.mark.parametrize("url", ["/page/", "/held/"])
async def test_a_request_without_sync_code_starts_no_thread(
    url: str, thread_starts: list[str], finished: list[object]
) -> None:
    STREAM.gate.set()
    app = asgi_application()
    # A first request refreshes the worker's maintenance memo (a database read, in the request's thread).
    await asyncio.wait_for(_Client(app, "/page/").task, timeout=10)
    thread_starts.clear()
    finished.clear()
    client = _Client(app, url)
    await asyncio.wait_for(client.task, timeout=10)
    assert client.sent[0]["status"] == 200
    assert thread_starts == []  # Django's handler starts two: one to close the response, one to join it
    assert len(finished) == 1


async def test_a_request_with_sync_code_closes_its_connection_in_its_thread(finished: list[object]) -> None:
    OPENED.clear()
    client = _Client(asgi_application(), "/sync/")
    await asyncio.wait_for(client.task, timeout=10)
    assert client.sent[0]["status"] == 200
    assert len(OPENED) == 1
    assert OPENED[0].connection is None  # closed by request_finished, in the thread that opened it
    assert len(finished) == 1


async def test_with_sentry_an_open_stream_keeps_no_request_and_its_events_keep_the_path(
    fake_sentry: list[bytes],
) -> None:
    client = _Client(asgi_application(), "/held/?report=1")
    await asyncio.wait_for(client.first_body.wait(), timeout=10)
    gc.collect()
    assert STREAM.request is not None
    assert STREAM.request() is None  # Sentry's own ASGI request processor holds it strongly

    STREAM.gate.set()
    await asyncio.wait_for(client.task, timeout=10)
    sentry_sdk.flush(timeout=5)
    events = [body for body in fake_sentry if b'"message"' in body or b"from the" in body]
    assert len(events) == 2
    for body in events:  # the view's, from the request; the open stream's, from the ASGI scope
        assert b"/held/" in body


@pytest.mark.usefixtures("served_worker")
async def test_a_disconnect_without_sync_code_starts_no_thread(
    thread_starts: list[str], finished: list[object]
) -> None:
    app = asgi_application()
    await asyncio.wait_for(_Client(app, "/page/").task, timeout=10)  # the maintenance memo, as above
    thread_starts.clear()
    finished.clear()
    client = _Client(app, "/held/")
    await asyncio.wait_for(client.first_body.wait(), timeout=10)
    client.disconnect()
    await asyncio.wait_for(client.task, timeout=10)
    assert STREAM.closed
    assert thread_starts == []
    assert len(finished) == 1


@pytest.mark.usefixtures("served_worker")
async def test_an_async_request_finished_receiver_is_run_as_django_runs_it() -> None:
    called: list[object] = []
    app = asgi_application()
    await asyncio.wait_for(_Client(app, "/page/").task, timeout=10)  # the maintenance memo: no thread below

    async def receiver(sender: object, **kwargs: Any) -> None:
        called.append(sender)

    signals.request_finished.connect(receiver)
    try:
        STREAM.gate.set()
        client = _Client(app, "/held/")
        await asyncio.wait_for(client.task, timeout=10)  # `Signal.send` on the loop would raise here
    finally:
        signals.request_finished.disconnect(receiver)
    assert client.body.endswith(b"last\n")
    assert len(called) == 1


def _sentry_events(bodies: list[bytes]) -> list[dict[str, Any]]:
    """The events among what the fake Sentry received (envelopes: one JSON document per line)."""
    events = []
    for body in bodies:
        for line in body.splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if isinstance(item, dict) and "event_id" in item and "request" in item:
                    events.append(item)
    return events


async def test_with_sentry_a_views_event_has_the_request_data_djangos_handler_gives_it(
    fake_sentry: list[bytes],
) -> None:
    STREAM.gate.set()
    for app in (asgi_application(), ASGIHandler()):
        await asyncio.wait_for(_Client(app, "/held/?report=1").task, timeout=10)
    sentry_sdk.flush(timeout=5)
    events = [e for e in _sentry_events(fake_sentry) if e.get("message") == "from the view"]
    assert len(events) == 2
    ours, djangos = events
    assert ours["request"] == djangos["request"]
    assert ours.get("_meta") == djangos.get("_meta")
    assert ours.get("user") == djangos.get("user")
