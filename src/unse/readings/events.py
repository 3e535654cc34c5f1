"""Reading events and their Server-Sent-Events wire form (encoded once, shared by every attached client)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

SSE_OPEN = b": stream open\n\n"
SSE_KEEPALIVE = b": keep-alive\n\n"


class EventName:
    META = "meta"
    NOTICE = "notice"
    DELTA = "delta"
    DONE = "done"
    ERROR = "error"


TERMINAL_EVENTS = frozenset({EventName.DONE, EventName.ERROR})


def encode_sse(name: str, data_json: bytes) -> bytes:
    # orjson never emits a newline without OPT_INDENT, so one `data:` line is always enough.
    return b"event: " + name.encode() + b"\ndata: " + data_json + b"\n\n"


@dataclass(frozen=True, slots=True)
class ReadingEvent:
    name: str
    data: dict[str, Any]
    raw_data: bytes = field(default=b"", compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    @classmethod
    def make(cls, name: str, data: dict[str, Any]) -> ReadingEvent:
        data_json = orjson.dumps(data)
        return cls(name=name, data=data, raw_data=data_json, raw=encode_sse(name, data_json))

    @classmethod
    def from_wire(cls, name: str, data_json: bytes) -> ReadingEvent:
        return cls(name=name, data=orjson.loads(data_json), raw_data=data_json, raw=encode_sse(name, data_json))

    @property
    def terminal(self) -> bool:
        return self.name in TERMINAL_EVENTS
