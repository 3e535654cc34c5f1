"""The provider relay (unse.readings.relay): a client that leaves while the provider is silent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Sequence

import pytest

from unse.ai.providers import Message, Usage
from unse.readings.relay import ProviderRelay


class _SilentStream:
    """A provider stream that has not sent its first token yet (and never will)."""

    def __init__(self) -> None:
        self.closed = False
        self._gen = self._run()

    async def _run(self) -> AsyncGenerator[str, None]:
        await asyncio.Event().wait()
        yield "never"

    @property
    def usage(self) -> Usage | None:
        return None

    def __aiter__(self) -> _SilentStream:
        return self

    def __anext__(self) -> Awaitable[str]:
        return self._gen.__anext__()

    async def aclose(self) -> None:
        await self._gen.aclose()  # RuntimeError while a read still runs in it
        self.closed = True


class _SilentProvider:
    name = "silent"
    model = "silent-model"
    builtin = False

    def __init__(self) -> None:
        self.streams: list[_SilentStream] = []

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> _SilentStream:
        stream = _SilentStream()
        self.streams.append(stream)
        return stream


def _relay(provider: _SilentProvider) -> ProviderRelay:
    return ProviderRelay(
        [provider],
        [{"role": "user", "content": "사주를 풀어 주세요"}],
        max_tokens=100,
        coalesce_ms=0,
        truth=None,
        keepalive_seconds=0.01,  # a chat's keep-alive ticks
    )


@pytest.mark.django_db
async def test_closing_the_relay_while_the_provider_is_silent_closes_the_provider_stream() -> None:
    provider = _SilentProvider()
    events = _relay(provider).events()
    assert await anext(events) is None  # a keep-alive tick while the provider is silent
    await events.aclose()  # the client left
    assert provider.streams[0].closed


@pytest.mark.django_db
async def test_cancelling_the_client_while_the_provider_is_silent_closes_the_provider_stream() -> None:
    provider = _SilentProvider()
    relay = _relay(provider)
    ticked = asyncio.Event()

    async def client() -> None:
        async for event in relay.events():
            if event is None:
                ticked.set()

    task = asyncio.ensure_future(client())
    await asyncio.wait_for(ticked.wait(), timeout=5)
    task.cancel()  # the client disconnected: Django cancels the response
    with pytest.raises(asyncio.CancelledError):  # not RuntimeError from closing a running generator
        await task
    assert provider.streams[0].closed


class _ScriptedStream:
    """A provider stream that answers the given pieces at once."""

    def __init__(self, pieces: Sequence[str]) -> None:
        self._gen = self._run(pieces)

    @staticmethod
    async def _run(pieces: Sequence[str]) -> AsyncGenerator[str, None]:
        for piece in pieces:
            yield piece

    @property
    def usage(self) -> Usage | None:
        return Usage(prompt_tokens=10, completion_tokens=4)

    def __aiter__(self) -> _ScriptedStream:
        return self

    def __anext__(self) -> Awaitable[str]:
        return self._gen.__anext__()

    async def aclose(self) -> None:
        await self._gen.aclose()


class _ScriptedProvider:
    name = "scripted"
    model = "scripted-model"
    builtin = False

    def __init__(self, pieces: Sequence[str]) -> None:
        self.pieces = pieces

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> _ScriptedStream:
        return _ScriptedStream(self.pieces)


@pytest.mark.django_db
@pytest.mark.parametrize("kept_by_the_caller", [True, False], ids=["transcript", "own_copy"])
async def test_the_answer_is_the_text_the_client_received(kept_by_the_caller: bool) -> None:
    """A flight keeps what it published: the relay reads its answer there instead of keeping a second copy
    for the stream's life (issue 19). Either way the stored answer is exactly what the client received."""
    kept: list[str] = []
    reads: list[str] = []

    def transcript() -> str:
        reads.append("".join(kept))
        return reads[-1]

    relay = ProviderRelay(
        [_ScriptedProvider(["경금 일간은 ", "단단하고 ", "곧습니다. ", "오늘은 쉬어 가세요."])],
        [{"role": "user", "content": "사주를 풀어 주세요"}],
        max_tokens=100,
        coalesce_ms=0,
        truth=None,
        transcript=transcript if kept_by_the_caller else None,
    )
    async for event in relay.events():
        if event is not None and event.name == "delta":
            kept.append(event.data["text"])  # as the flight publishes it
    assert relay.answer is not None
    assert relay.answer.text == "".join(kept) == "경금 일간은 단단하고 곧습니다. 오늘은 쉬어 가세요."
    assert reads == ([relay.answer.text] if kept_by_the_caller else [])
