"""The server's HTTP protocol (unse.core.http_protocol): uvicorn's httptools protocol with lean waits. A
real uvicorn server on a loopback port: bodies that come in pieces, disconnects, pipelined requests and a
client too slow for the response still get what uvicorn's own protocol gives them."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import uvicorn.protocols.http.flow_control
import uvicorn.protocols.http.httptools_impl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from unse.core.http_protocol import UVICORN_SOURCES_SHA256, Flag, LeanFlowControl, LeanHttpToolsProtocol

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

BIG = 32 * 2**20  # far more than the socket buffers and uvicorn's 64 KiB write high-water mark


@contextlib.asynccontextmanager
async def serving(app: App, http: type[asyncio.Protocol] = LeanHttpToolsProtocol) -> AsyncIterator[int]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, http=http, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = int(server.servers[0].sockets[0].getsockname()[1])
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def respond(send: Send, body: bytes) -> None:
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]}
    )
    await send({"type": "http.response.body", "body": body})


async def read_response(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return head.split(b"\r\n", 1)[0], await reader.readexactly(length)


def test_the_server_runs_this_protocol() -> None:
    serve = (Path(__file__).resolve().parents[3] / "scripts" / "serve.sh").read_text()
    assert "--http unse.core.http_protocol:LeanHttpToolsProtocol" in serve


async def test_a_body_that_comes_in_pieces_is_read_whole() -> None:
    first_piece = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            first_piece.set()
            if not message.get("more_body"):
                break
        reply = f"{len(body)}:{body[-5:].decode()}".encode()
        await respond(send, reply)

    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
        await writer.drain()
        await first_piece.wait()  # the app now waits in receive() for the rest
        writer.write(b"world")
        status, body = await read_response(reader)
        writer.close()
    assert status == b"HTTP/1.1 200 OK"
    assert body == b"10:world"


async def test_an_open_stream_hears_the_client_leave() -> None:
    heard: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await receive()  # the (empty) body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"data: first\n\n", "more_body": True})
        heard.set_result(str((await receive())["type"]))

    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"data: first" in await reader.readuntil(b"data: first\n\n")
        writer.close()
        assert await asyncio.wait_for(heard, 10) == "http.disconnect"


async def test_pipelined_requests_are_answered_in_order() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await receive()
        reply = scope["path"].encode()
        await respond(send, reply)

    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # One write: the second and third requests arrive while the first is still being answered.
        writer.write(b"".join(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % n for n in (1, 2, 3)))
        bodies = [(await read_response(reader))[1] for _ in range(3)]
        writer.close()
    assert bodies == [b"/1", b"/2", b"/3"]


async def test_a_client_slower_than_the_response_gets_all_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    paused = asyncio.Event()
    pause_writing = LeanFlowControl.pause_writing

    def pause_and_tell(flow: LeanFlowControl) -> None:
        paused.set()
        pause_writing(flow)

    monkeypatch.setattr(LeanFlowControl, "pause_writing", pause_and_tell)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await receive()
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % BIG)]}
        )
        part = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(BIG // len(part)):
            await send(
                {"type": "http.response.body", "body": part, "more_body": True}
            )  # waits for the client
        await send({"type": "http.response.body"})

    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**16)
        writer.write(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        await reader.readuntil(b"\r\n\r\n")
        async with asyncio.timeout(30):
            await paused.wait()  # the server waits for this client now: reading must wake it
        digest = hashlib.sha256()
        received = 0
        while received < BIG:
            chunk = await reader.read(2**16)
            assert chunk, "the response ended early"
            digest.update(chunk)
            received += len(chunk)
        writer.close()
    assert digest.digest() == hashlib.sha256((bytes(range(256)) * 4096) * (BIG // 2**20)).digest()


async def test_a_flag_wakes_every_waiter_once_set_and_none_after_clear() -> None:
    flag = Flag()
    waits = [asyncio.create_task(flag.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    assert not any(wait.done() for wait in waits)
    flag.set()
    assert await asyncio.gather(*waits) == [True, True, True]
    assert await flag.wait() is True  # already set: no wait
    flag.clear()
    assert not flag.is_set()
    late = asyncio.create_task(flag.wait())
    await asyncio.sleep(0)
    assert not late.done()
    flag.set()
    assert await late is True


async def test_a_cancelled_wait_leaves_the_flag_usable() -> None:
    flag = Flag()
    left = asyncio.create_task(flag.wait())
    stays = asyncio.create_task(flag.wait())
    await asyncio.sleep(0)
    left.cancel()
    with pytest.raises(asyncio.CancelledError):
        await left
    flag.set()
    assert await stays is True
    assert flag.is_set()
    assert flag._waiters is None  # nothing kept once nobody waits


async def test_a_wait_cancelled_just_before_the_flag_is_set_ends_cancelled() -> None:
    flag = Flag()
    left = asyncio.create_task(flag.wait())
    await asyncio.sleep(0)
    left.cancel()
    flag.set()  # before the cancelled wait resumes
    with pytest.raises(asyncio.CancelledError):
        await left
    assert flag.is_set()
    assert flag._waiters is None
    flag.clear()
    again = asyncio.create_task(flag.wait())
    await asyncio.sleep(0)
    flag.set()
    assert await again is True


async def _memory_per_waiting_connection(http: type[asyncio.Protocol]) -> float:
    """Python memory per open connection whose request waits in `receive()` (as an open stream does)."""
    connections = 50
    waiting = 0
    all_waiting = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal waiting
        if scope["type"] != "http":
            return
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"data: open\n\n", "more_body": True})
        waiting += 1
        if waiting == connections:
            all_waiting.set()
        await receive()  # until the client leaves

    async with serving(app, http) as port:
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            clients = [await asyncio.open_connection("127.0.0.1", port) for _ in range(connections)]
            for reader, writer in clients:
                writer.write(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
                await reader.readuntil(b"data: open\n\n")
            await all_waiting.wait()
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        for _, writer in clients:
            writer.close()
    return (after - before) / connections


async def test_an_open_connection_costs_less_memory_than_with_uvicorns_own_protocol() -> None:
    stock = await _memory_per_waiting_connection(HttpToolsProtocol)
    lean = await _memory_per_waiting_connection(LeanHttpToolsProtocol)
    # Two Events and a deque: ≈ 0.75 KiB each with uvicorn's protocol, a few dozen bytes here.
    assert stock - lean >= 1.5 * 1024, (stock, lean)


def test_the_subclasses_follow_the_installed_uvicorn() -> None:
    sources = (uvicorn.protocols.http.httptools_impl, uvicorn.protocols.http.flow_control)
    digests = tuple(hashlib.sha256(Path(str(module.__file__)).read_bytes()).hexdigest() for module in sources)
    assert digests == UVICORN_SOURCES_SHA256, (
        "uvicorn's httptools protocol or flow control changed: check that unse.core.http_protocol still only "
        "swaps the events and the pipeline uvicorn made, then update UVICORN_SOURCES_SHA256"
    )
