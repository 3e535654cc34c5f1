"""Incremental Server-Sent Events parser (WHATWG HTML "event stream interpretation"), on bytes.

Network reads split events anywhere (inside a line, between `\\r` and `\\n`), so the parser keeps the
undecoded tail between `feed()` calls. It works on bytes end to end: the provider hands `data` straight
to orjson without building a str or a model object per chunk, which is most of the relay's CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

_LF = b"\n"
_CR = b"\r"
_BLANK = b"\n\n"


@dataclass(frozen=True, slots=True)
class SSEEvent:
    data: bytes
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEParser:
    """`feed(bytes) -> list[SSEEvent]`; comments (`:` lines) are dropped, multi-line data joined with LF."""

    __slots__ = ("_buffer", "_last_id", "_pending_cr")

    def __init__(self) -> None:
        self._buffer = b""
        self._pending_cr = False
        self._last_id: str | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if self._pending_cr:
            chunk = _CR + chunk
            self._pending_cr = False
        if _CR in chunk:
            if chunk.endswith(_CR):
                # Could be the first half of CRLF: decide when the next byte arrives.
                chunk = chunk[:-1]
                self._pending_cr = True
            chunk = chunk.replace(b"\r\n", _LF).replace(_CR, _LF)
        buffer = self._buffer + chunk if self._buffer else chunk
        if _BLANK not in buffer:
            self._buffer = buffer
            return []
        *blocks, self._buffer = buffer.split(_BLANK)
        events: list[SSEEvent] = []
        for block in blocks:
            event = self._parse_block(block)
            if event is not None:
                events.append(event)
        return events

    def feed_data(self, chunk: bytes) -> list[bytes]:
        """Like `feed`, but only the `data` of each dispatched event (what an OpenAI stream needs):
        the common one-line `data: ...` block costs a slice, no event object."""
        if self._pending_cr or _CR in chunk:
            return [event.data for event in self.feed(chunk)]
        buffer = self._buffer + chunk if self._buffer else chunk
        if _BLANK not in buffer:
            self._buffer = buffer
            return []
        *blocks, self._buffer = buffer.split(_BLANK)
        out: list[bytes] = []
        for block in blocks:
            if block[:6] == b"data: " and _LF not in block:
                out.append(block[6:])
            else:
                event = self._parse_block(block)
                if event is not None:
                    out.append(event.data)
        return out

    def flush(self) -> list[SSEEvent]:
        """End of stream: per the spec an unterminated last event is discarded, not dispatched."""
        self._buffer = b""
        self._pending_cr = False
        return []

    def _parse_block(self, block: bytes) -> SSEEvent | None:
        # Fast path for the overwhelmingly common one-line `data: {...}` block.
        if block.startswith(b"data: ") and _LF not in block:
            return SSEEvent(data=block[6:], id=self._last_id)
        data_lines: list[bytes] = []
        event_type = "message"
        retry: int | None = None
        for line in block.split(_LF):
            if not line or line.startswith(b":"):
                continue
            name, colon, value = line.partition(b":")
            if colon and value.startswith(b" "):
                value = value[1:]
            if name == b"data":
                data_lines.append(value)
            elif name == b"event":
                event_type = value.decode("utf-8", "replace") or "message"
            elif name == b"id":
                if b"\x00" not in value:
                    self._last_id = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():
                retry = int(value)
        if not data_lines:
            return None
        return SSEEvent(data=_LF.join(data_lines), event=event_type, id=self._last_id, retry=retry)
