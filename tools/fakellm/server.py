"""A small OpenAI-compatible HTTP/1.1 server over raw asyncio streams (no framework: it must relay
1,000+ concurrent token streams on a fraction of one core during benchmarks).

Endpoints:
    POST /v1/chat/completions   (also /chat/completions) stream and non-stream
    POST /_control              JSON scenario fields -> new default scenario; {"reset": true} restores
    GET  /_stats                counters (requests, tokens_sent, streams_open, by fault)
    POST /_reset                zero the counters and restore the default scenario
    POST /_release_cut          let the streams held by `cut_hold` drop their connection now
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from tools.fakellm.scenario import Fault, Scenario, ScenarioError, parse_overrides
from tools.fakellm.text import answer_text, answer_tokens

logger = logging.getLogger(__name__)

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 4 * 1024 * 1024
HANG_LIMIT_SECONDS = 3600.0
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


@dataclass(slots=True)
class Stats:
    requests: int = 0
    streams_open: int = 0
    tokens_sent: int = 0
    completed: int = 0
    disconnects: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    last_request: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "streams_open": self.streams_open,
            "tokens_sent": self.tokens_sent,
            "completed": self.completed,
            "disconnects": self.disconnects,
            "faults": dict(self.faults),
            "last_request": self.last_request,
        }


class _BadRequest(Exception):
    pass


class FakeLLM:
    def __init__(self, scenario: Scenario | None = None, *, seed: int | None = None) -> None:
        self.initial = scenario or Scenario()
        self.scenario = self.initial
        self.stats = Stats()
        self._random = random.Random(seed)  # noqa: S311 - fault sampling, not security
        self._ids = 0
        # Set while no stream is open (in-process tests wait on it instead of polling the counters).
        self.idle = asyncio.Event()
        self.idle.set()
        self.cut_release = asyncio.Event()

    # --- connection handling -------------------------------------------------------------------------
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                try:
                    method, path, headers = _parse_head(head)
                    length = int(headers.get("content-length", "0"))
                    if length > MAX_BODY_BYTES:
                        raise _BadRequest("body too large")
                    body = await reader.readexactly(length) if length else b""
                except asyncio.IncompleteReadError:
                    return  # the client left mid-request (a benchmark aborting its open streams)
                except (_BadRequest, ValueError) as exc:
                    _respond_json(writer, 400, {"error": {"message": str(exc)}}, close=True)
                    await writer.drain()
                    return
                keep_alive = headers.get("connection", "").lower() != "close"
                keep_alive = await self._route(method, path, headers, body, writer) and keep_alive
                await writer.drain()
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _route(
        self, method: str, path: str, headers: dict[str, str], body: bytes, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection must be closed afterwards."""
        path = path.split("?", 1)[0]
        if method == "POST" and path in ("/v1/chat/completions", "/chat/completions"):
            return await self._completions(headers, body, writer)
        if method == "GET" and path == "/_stats":
            _respond_json(writer, 200, self.stats.as_dict())
            return True
        if method == "POST" and path == "/_release_cut":
            self.cut_release.set()
            _respond_json(writer, 200, {"released": True})
            return True
        if method == "POST" and path == "/_reset":
            self.stats = Stats()
            self.scenario = self.initial
            self.cut_release = asyncio.Event()
            _respond_json(writer, 200, {"scenario": self.scenario.as_dict()})
            return True
        if method == "POST" and path == "/_control":
            try:
                data = orjson.loads(body or b"{}")
                if not isinstance(data, dict):
                    raise ScenarioError("body must be a JSON object")
                base = self.initial if data.pop("reset", False) else self.scenario
                self.scenario = base.merged(data)
            except (orjson.JSONDecodeError, ScenarioError) as exc:
                _respond_json(writer, 400, {"error": {"message": str(exc)}})
                return True
            _respond_json(writer, 200, {"scenario": self.scenario.as_dict()})
            return True
        _respond_json(writer, 404, {"error": {"message": f"no route {method} {path}"}})
        return True

    # --- chat completions ------------------------------------------------------------------------------
    async def _completions(self, headers: dict[str, str], body: bytes, writer: asyncio.StreamWriter) -> bool:
        started = time.monotonic()
        try:
            request = orjson.loads(body)
            scenario = self.scenario.merged(parse_overrides(headers.get("x-fake-scenario", "")))
        except (orjson.JSONDecodeError, ScenarioError) as exc:
            _respond_json(writer, 400, {"error": {"message": str(exc), "type": "invalid_request_error"}})
            return True
        if not isinstance(request, dict) or not isinstance(request.get("messages"), list):
            _respond_json(
                writer, 400, {"error": {"message": "messages required", "type": "invalid_request_error"}}
            )
            return True
        self.stats.requests += 1
        self.stats.last_request = {"headers": headers, "body": request}
        fault = scenario.fault
        if fault is not Fault.NONE and self._random.random() >= scenario.fault_rate:
            fault = Fault.NONE
        self.stats.faults[fault.value] += 1
        if fault is Fault.HTTP_500:
            _respond_json(
                writer, 500, {"error": {"message": "fake upstream failure", "type": "server_error"}}
            )
            return True
        if fault is Fault.HTTP_429:
            _respond_json(
                writer,
                429,
                {"error": {"message": "rate limited", "type": "rate_limit_error"}},
                extra=f"Retry-After: {scenario.retry_after}\r\n",
            )
            return True
        text = scenario.text or answer_text(request["messages"], contradict=fault is Fault.CONTRADICT)
        tokens = [] if fault is Fault.EMPTY else answer_tokens(text, scenario.tokens)
        self._ids += 1
        completion_id = f"chatcmpl-fake{self._ids}"
        model = str(request.get("model") or "fake-model")
        prompt_tokens = sum(
            len(str(m.get("content", ""))) for m in request["messages"] if isinstance(m, dict)
        )
        if not request.get("stream"):
            if fault is Fault.HANG:
                await asyncio.sleep(HANG_LIMIT_SECONDS)
            await asyncio.sleep(scenario.ttft + (len(tokens) / scenario.tps if scenario.tps else 0))
            _respond_json(
                writer,
                200,
                _full_completion(completion_id, model, "".join(tokens), prompt_tokens, len(tokens)),
            )
            self.stats.tokens_sent += len(tokens)
            self.stats.completed += 1
            return True
        return await self._stream(
            writer, scenario, fault, tokens, completion_id, model, prompt_tokens, started, request
        )

    async def _stream(
        self,
        writer: asyncio.StreamWriter,
        scenario: Scenario,
        fault: Fault,
        tokens: list[str],
        completion_id: str,
        model: str,
        prompt_tokens: int,
        started: float,
        request: dict[str, Any],
    ) -> bool:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        stats = self.stats
        stats.streams_open += 1
        self.idle.clear()
        created = int(time.time())
        prefix = (
            b'{"id":"'
            + completion_id.encode()
            + b'","object":"chat.completion.chunk","created":'
            + str(created).encode()
            + b',"model":'
            + orjson.dumps(model)
            + b',"choices":'
        )
        try:
            _chunk(
                writer,
                b"data: "
                + prefix
                + b'[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n',
            )
            if fault is Fault.HANG:
                await writer.drain()
                await asyncio.sleep(HANG_LIMIT_SECONDS)
                return False
            first_due = started + scenario.ttft
            interval = 1.0 / scenario.tps if scenario.tps else 0.0
            for index, token in enumerate(tokens):
                if fault is Fault.CUT and index >= scenario.cut_after:
                    await writer.drain()
                    if scenario.cut_hold:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self.cut_release.wait(), scenario.cut_hold)
                    writer.transport.abort()
                    return False
                if fault is Fault.MALFORMED and index >= scenario.malformed_after:
                    _chunk(writer, b'data: {"id": "broken", "choices": [{"delta": {"content": \n\n')
                    break
                delay = first_due + index * interval - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if writer.transport.is_closing():
                    stats.disconnects += 1
                    return False
                _chunk(
                    writer,
                    b"data: "
                    + prefix
                    + b'[{"index":0,"delta":{"content":'
                    + orjson.dumps(token)
                    + b'},"finish_reason":null}]}\n\n',
                )
                stats.tokens_sent += 1
                if interval == 0 and index % 64 == 63:
                    await writer.drain()
            else:
                if fault is Fault.CUT:
                    writer.transport.abort()
                    return False
                _chunk(writer, b"data: " + prefix + b'[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n')
                usage = {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(tokens),
                    "total_tokens": prompt_tokens + len(tokens),
                }
                if scenario.usage and (request.get("stream_options") or {}).get("include_usage"):
                    _chunk(writer, b"data: " + prefix + b'[],"usage":' + orjson.dumps(usage) + b"}\n\n")
                _chunk(writer, b"data: [DONE]\n\n")
                stats.completed += 1
            writer.write(b"0\r\n\r\n")
            return fault is not Fault.MALFORMED
        finally:
            stats.streams_open -= 1
            if stats.streams_open == 0:
                self.idle.set()


def _chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(b"%x\r\n%b\r\n" % (len(data), data))


def _full_completion(
    completion_id: str, model: str, text: str, prompt: int, completion: int
) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def _parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    if len(head) > MAX_HEADER_BYTES:
        raise _BadRequest("headers too large")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest("bad request line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _BadRequest("bad header line")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise _BadRequest("chunked request bodies are not supported")
    return parts[0], parts[1], headers


def _respond_json(
    writer: asyncio.StreamWriter, status: int, data: Any, *, extra: str = "", close: bool = False
) -> None:
    body = orjson.dumps(data)
    head = (
        f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n"
    )
    writer.write(head.encode("latin-1") + body)


async def serve(fake: FakeLLM, host: str, port: int, *, ready: asyncio.Event | None = None) -> asyncio.Server:
    server = await asyncio.start_server(fake.handle, host, port, backlog=4096, limit=MAX_HEADER_BYTES)
    if ready is not None:
        ready.set()
    return server
