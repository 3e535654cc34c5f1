"""HTTP API of charts and readings, through Django's real ASGI handler (no DJANGO_ALLOW_ASYNC_UNSAFE)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import orjson
import pytest
from django.core.handlers.asgi import ASGIRequest
from django.test import AsyncClient, override_settings

from tests.unse.conftest import parse_sse
from tests.unse.readings.llm_fixtures import BIRTH, LLM
from unse.core.asgi import asgi_application
from unse.core.clock import kst_today
from unse.readings.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)

CHARTS = "/api/v1/charts"
READINGS = "/api/v1/readings"
STREAM = "/api/v1/readings/stream"


class _ClientAt(AsyncClient):
    def __init__(self, ip: str) -> None:
        super().__init__()
        self.ip = ip

    def _base_scope(self, **request: Any) -> dict[str, Any]:
        scope = super()._base_scope(**request)
        scope["client"] = [self.ip, 50000]
        return scope


def client_at(ip: str) -> AsyncClient:
    """A test client whose connection comes from `ip` (the ASGI scope's client address)."""
    return _ClientAt(ip)


async def post(client: AsyncClient, path: str, body: dict[str, Any], **headers: str) -> Any:
    return await client.post(path, data=orjson.dumps(body), content_type="application/json", **headers)


async def stream_body(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


# --- charts ----------------------------------------------------------------------------------------------
async def test_chart_for_an_anonymous_user() -> None:
    response = await post(AsyncClient(), CHARTS, {"birth": BIRTH})
    assert response.status_code == 200
    data = orjson.loads(response.content)
    assert data["chart"]["pillars"]["day"] and data["analysis"]
    assert data["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ({"birth": {"datetime": "1990-02-30T10:00"}}, lambda d: d["details"]["engine_code"]),
        (
            {"birth": {"datetime": "1990-05-17T10:00", "calendar": "julian"}},
            lambda d: d["details"]["fields"][0]["field"] == "birth.calendar",
        ),
        ({"birth": {"datetime": "1990-05-17T10:00", "name": "홍길동"}}, lambda d: d["details"]["fields"]),
        ({}, lambda d: d["details"]["fields"][0]["field"] == "birth"),
    ],
)
async def test_bad_chart_input_is_a_korean_validation_error(body: dict[str, Any], check: Any) -> None:
    response = await post(AsyncClient(), CHARTS, body)
    assert response.status_code == 400
    error = orjson.loads(response.content)["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["request_id"] == response["X-Request-ID"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in error["message"])
    assert check(error)


@pytest.mark.parametrize("path", [CHARTS, READINGS, STREAM])
async def test_a_birth_in_the_future_is_a_korean_validation_error(path: str) -> None:
    """Issue 14 #5: no chart analysis, reading or stream for someone not yet born (before any stream starts)."""
    next_year = kst_today().year + 1
    response = await post(
        AsyncClient(), path, {"birth": {"datetime": f"{next_year}-05-17T10:00", "gender": "female"}}
    )
    assert response.status_code == 400
    error = orjson.loads(response.content)["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"]["engine_code"] == "INVALID_REFERENCE"
    assert "출생일" in error["message"] and str(next_year) not in error["message"]


async def test_malformed_json_is_a_validation_error() -> None:
    response = await AsyncClient().post(CHARTS, data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert orjson.loads(response.content)["error"]["code"] == "VALIDATION_ERROR"


# --- readings (no key: built-in interpreter) --------------------------------------------------------------
@override_settings(LLM_PROVIDERS=[])
async def test_reading_json_for_an_anonymous_user_then_from_the_cache() -> None:
    client = AsyncClient()
    first = await post(client, READINGS, {"birth": BIRTH, "mode": "warm", "topic": "career"})
    assert first.status_code == 200, first.content
    data = orjson.loads(first.content)
    assert data["cached"] is False and data["reading_id"]
    assert data["generated_by"]["type"] == "rules"
    assert "<h2>" in data["html"] and "<script" not in data["html"]
    second = orjson.loads(
        (await post(client, READINGS, {"birth": BIRTH, "mode": "warm", "topic": "career"})).content
    )
    assert second["cached"] is True and second["reading_id"] == data["reading_id"]
    detail = await client.get(f"{READINGS}/{data['reading_id']}")
    assert detail.status_code == 200
    assert orjson.loads(detail.content)["text"] == data["text"]


async def test_unknown_reading_id_is_not_found() -> None:
    response = await AsyncClient().get(f"{READINGS}/does-not-exist")
    assert response.status_code == 404
    assert orjson.loads(response.content)["error"]["code"] == "NOT_FOUND"


@override_settings(LLM_PROVIDERS=[])
async def test_stream_sends_a_comment_at_once_then_meta_deltas_done() -> None:
    response = await post(AsyncClient(), STREAM, {"birth": BIRTH})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["X-Accel-Buffering"] == "no"
    assert "no-cache" in response["Cache-Control"]
    body = await stream_body(response)
    assert body.startswith(b": ")
    events = parse_sse(body)
    assert events[0][0] == "meta" and events[0][1]["request_id"] == response["X-Request-ID"]
    assert {name for name, _ in events[1:-1]} == {"delta"}
    assert events[-1][0] == "done" and events[-1][1]["reading_id"]


# --- with the fake LLM ------------------------------------------------------------------------------------
async def test_stream_relays_the_ai_reading(llm: LLM, providers: list[dict[str, Any]]) -> None:
    llm.set(tokens=100, tps=500)
    response = await post(AsyncClient(), STREAM, {"birth": BIRTH})
    events = parse_sse(await stream_body(response))
    assert [name for name, _ in events][0] == "meta"
    assert events[-1][0] == "done"
    assert events[-1][1]["generated_by"]["type"] == "ai"
    assert sum(1 for name, _ in events if name == "delta") > 1


async def test_keep_alive_comments_flow_while_the_provider_is_silent(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(tokens=5, ttft=0.5)
    with override_settings(READINGS_KEEPALIVE_SECONDS=0.1):
        response = await post(AsyncClient(), STREAM, {"birth": BIRTH})
        body = await stream_body(response)
    assert body.count(b": keep-alive\n\n") >= 2
    assert body.index(b": keep-alive") < body.index(b"event: delta")
    assert parse_sse(body)[-1][0] == "done"


async def test_rate_limited_answers_429_with_retry_after_and_remaining(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    client = client_at("203.0.113.77")
    with override_settings(RATE_LIMIT_ANON="1/hour;5/day"):
        ok = await post(client, READINGS, {"birth": BIRTH})
        assert ok.status_code == 200
        assert ok["X-RateLimit-Remaining"] == "0"
        refused = await post(client, STREAM, {"birth": BIRTH, "topic": "love"})
        cached = await post(client, READINGS, {"birth": BIRTH})  # cached readings are never limited
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused["X-RateLimit-Remaining"] == "0"
    assert orjson.loads(refused.content)["error"]["code"] == "RATE_LIMITED"
    assert cached.status_code == 200 and orjson.loads(cached.content)["cached"] is True


async def test_the_ai_limit_says_the_wait_and_that_logging_in_raises_it(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    client = client_at("203.0.113.78")
    with override_settings(RATE_LIMIT_ANON="1/hour;5/day"):
        await post(client, READINGS, {"birth": BIRTH})
        refused = await post(client, READINGS, {"birth": BIRTH, "topic": "love"})
    details = orjson.loads(refused.content)["error"]["details"]
    assert refused.status_code == 429
    assert 0 < details["retry_after"] <= 3600 and details["login_helps"] is True


async def test_builtin_readings_are_not_held_to_the_ai_limit() -> None:
    """No AI provider configured: the built-in interpreter writes every reading at no cost, so the AI
    windows (here 1/hour) never apply; only the free path's own window does (here 3/hour)."""
    client = client_at("203.0.113.79")
    topics = ["love", "career", "wealth", "health"]
    with override_settings(RATE_LIMIT_ANON="1/hour;1/day", RATE_LIMIT_FREE="3/hour"):
        answers = [await post(client, READINGS, {"birth": BIRTH, "topic": t}) for t in topics]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    details = orjson.loads(answers[-1].content)["error"]["details"]
    assert details["window"].startswith("free:") and details["login_helps"] is False


async def test_ipv6_clients_of_one_64_share_the_anonymous_limit(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    with override_settings(RATE_LIMIT_ANON="1/hour;5/day"):
        first = await post(client_at("2001:db8:aa:bb::1"), READINGS, {"birth": BIRTH})
        same_64 = await post(client_at("2001:db8:aa:bb::2"), READINGS, {"birth": BIRTH, "mode": "warm"})
        other_64 = await post(client_at("2001:db8:aa:cc::1"), READINGS, {"birth": BIRTH, "mode": "warm"})
    assert first.status_code == 200
    assert same_64.status_code == 429
    assert other_64.status_code == 200


async def test_a_signed_in_user_is_limited_by_account_not_by_address(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    from django.contrib.auth import get_user_model

    user = await get_user_model().objects.acreate(username="reader", email="reader@example.com")
    client = client_at("203.0.113.90")
    await client.aforce_login(user)
    with override_settings(RATE_LIMIT_USER="1/hour;5/day", RATE_LIMIT_ANON="5/hour;5/day"):
        ok = await post(client, READINGS, {"birth": BIRTH})
        refused = await post(client, READINGS, {"birth": BIRTH, "topic": "love"})
        anonymous_same_ip = await post(client_at("203.0.113.90"), READINGS, {"birth": BIRTH, "topic": "love"})
    assert ok.status_code == 200 and ok["X-RateLimit-Limit"] == "1"
    assert refused.status_code == 429
    assert anonymous_same_ip.status_code == 200


async def test_stream_cap_answers_503_ai_busy(llm: LLM, providers: list[dict[str, Any]]) -> None:
    with override_settings(AI_MAX_STREAMS_PER_WORKER=0):
        response = await post(AsyncClient(), STREAM, {"birth": BIRTH})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert orjson.loads(response.content)["error"]["code"] == "AI_BUSY"


async def test_openapi_schema_lists_the_endpoints() -> None:
    response = await AsyncClient().get("/api/v1/openapi.json")
    paths = orjson.loads(response.content)["paths"]
    assert {"/api/v1/charts", "/api/v1/readings", "/api/v1/readings/stream"} <= set(paths)


def _stream_scope(body: bytes) -> dict[str, Any]:
    """The ASGI scope of `POST /api/v1/readings/stream` with `body`."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": STREAM,
        "raw_path": STREAM.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 5555),
        "server": ("testserver", 80),
    }


# --- client disconnect through the real ASGI handler ----------------------------------------------------------
async def test_client_disconnect_closes_the_upstream_and_stores_nothing(
    llm: LLM, providers: list[dict[str, Any]]
) -> None:
    llm.set(tokens=3000, tps=200)
    app = asgi_application()
    body = orjson.dumps({"birth": BIRTH})
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "http.request", "body": body, "more_body": False})
    sent: list[dict[str, Any]] = []
    got_delta = asyncio.Event()

    async def receive() -> dict[str, Any]:
        return await inbox.get()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if b"event: delta" in message.get("body", b""):
            got_delta.set()

    app_task = asyncio.ensure_future(app(_stream_scope(body), receive, send))
    await asyncio.wait_for(got_delta.wait(), timeout=10)
    assert llm.stats.streams_open == 1
    await inbox.put({"type": "http.disconnect"})
    await asyncio.wait_for(app_task, timeout=5)
    await asyncio.wait_for(llm.fake.idle.wait(), timeout=10)  # the upstream stream was closed
    assert llm.stats.streams_open == 0 and llm.stats.completed == 0
    assert llm.stats.tokens_sent < 3000
    assert await Reading.objects.acount() == 0


async def test_open_streams_keep_no_request(llm: LLM, providers: list[dict[str, Any]]) -> None:
    # Django's ASGI handler kept each request (and Sentry, allauth's request variable, a flight's timer
    # copied from the view's context) until the stream's last byte: ≈ 10 KiB per open stream (issue 19).
    llm.set(tokens=3000, tps=50)
    app = asgi_application()
    streams = 3

    def requests_alive() -> list[ASGIRequest]:
        gc.collect()
        return [o for o in gc.get_objects() if type(o) is ASGIRequest]  # isinstance evaluates lazy objects

    async def open_streams(first: int) -> tuple[list[asyncio.Future[Any]], list[asyncio.Queue[Any]]]:
        deltas = asyncio.Semaphore(0)

        async def send(message: dict[str, Any]) -> None:
            if b"event: delta" in message.get("body", b""):
                deltas.release()

        tasks, inboxes = [], []
        for index in range(first, first + streams):
            birth = {**BIRTH, "datetime": f"199{index}-05-0{index + 1}T10:30"}
            body = orjson.dumps({"birth": birth})
            inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            await inbox.put({"type": "http.request", "body": body, "more_body": False})
            inboxes.append(inbox)
            tasks.append(asyncio.ensure_future(app(_stream_scope(body), inbox.get, send)))
        for _ in range(streams):
            await asyncio.wait_for(deltas.acquire(), timeout=10)
        return tasks, inboxes

    async def close(tasks: list[asyncio.Future[Any]], inboxes: list[asyncio.Queue[Any]]) -> None:
        for inbox in inboxes:
            await inbox.put({"type": "http.disconnect"})
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)

    off = {"RATE_LIMIT_ANON": "", "RATE_LIMIT_ANON_GLOBAL": "", "AI_MAX_STREAMS_PER_CLIENT": streams}
    with override_settings(**off):
        # A first wave fills the worker's pools: a Redis connection opened during a request keeps that
        # request's context (its reader callback), i.e. at most one request per pooled connection.
        await close(*await open_streams(0))
        earlier = weakref.WeakSet(requests_alive())
        tasks, inboxes = await open_streams(streams)
        try:
            assert llm.stats.streams_open == streams
            assert [r for r in requests_alive() if r not in earlier] == []
        finally:
            await close(tasks, inboxes)
