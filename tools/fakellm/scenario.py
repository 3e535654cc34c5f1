"""What the fake LLM does for one request: timing, length and which fault (if any) to inject.

A scenario is set as the server default (CLI flags or `POST /_control`) and can be overridden per request
with the `X-Fake-Scenario` header, either JSON (`{"fault": "429", "retry_after": 2}`) or `key=value;...`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson


class Fault(Enum):
    NONE = "none"
    HTTP_500 = "500"
    HTTP_429 = "429"
    HANG = "hang"  # 200 + headers, then silence until the client gives up
    CUT = "cut"  # the connection drops after `cut_after` tokens, without [DONE]
    MALFORMED = "malformed"  # a chunk that is not JSON after `malformed_after` tokens
    EMPTY = "empty"  # a well-formed stream with no text at all
    CONTRADICT = "contradict"  # a reading that names a wrong day master


class ScenarioError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Scenario:
    tokens: int = 0  # chunks per answer; 0 = the whole answer text, however long
    ttft: float = 0.0  # seconds from request to the first content chunk
    tps: float = 0.0  # tokens per second after the first; 0 = as fast as possible
    fault: Fault = Fault.NONE
    fault_rate: float = 1.0  # probability that `fault` applies to a request (0.1 = 10 % of requests)
    retry_after: int = 1  # seconds, for the 429 fault
    cut_after: int = 5
    # > 0: after `cut_after` tokens the cut waits (at most this many seconds) for `POST /_release_cut`, so a
    # test can cut only after its client has read the tokens (aiohttp raises a connection loss before
    # handing over data that arrived with it, which makes an immediate cut race the reader).
    cut_hold: float = 0.0
    malformed_after: int = 0
    text: str = ""  # fixed answer text instead of the FACTS echo
    usage: int = 1  # 0: never send a `usage` chunk (some OpenAI-compatible servers don't)

    def merged(self, overrides: dict[str, Any]) -> Scenario:
        fields = {f.name: f for f in dataclasses.fields(self)}
        values: dict[str, Any] = {}
        for key, raw in overrides.items():
            if key not in fields:
                raise ScenarioError(f"unknown scenario field {key!r}")
            values[key] = _coerce(key, raw)
        scenario = dataclasses.replace(self, **values)
        if (
            min(scenario.tokens, scenario.ttft, scenario.tps, scenario.cut_hold) < 0
            or not 0 <= scenario.fault_rate <= 1
        ):
            raise ScenarioError("tokens, ttft, tps, cut_hold must be >= 0 and fault_rate in [0, 1]")
        return scenario

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["fault"] = self.fault.value
        return data


_INT_FIELDS = frozenset({"tokens", "retry_after", "cut_after", "malformed_after", "usage"})
_FLOAT_FIELDS = frozenset({"ttft", "tps", "fault_rate", "cut_hold"})


def _coerce(key: str, raw: Any) -> Any:
    try:
        if key == "fault":
            return Fault(str(raw))
        if key in _INT_FIELDS:
            return int(raw)
        if key in _FLOAT_FIELDS:
            return float(raw)
        return str(raw)
    except ValueError as exc:
        raise ScenarioError(f"bad value for {key}: {raw!r}") from exc


def parse_overrides(header: str) -> dict[str, Any]:
    """`X-Fake-Scenario` value: a JSON object or `key=value;key=value`."""
    header = header.strip()
    if not header:
        return {}
    if header.startswith("{"):
        try:
            data = orjson.loads(header)
        except orjson.JSONDecodeError as exc:
            raise ScenarioError("X-Fake-Scenario is not valid JSON") from exc
        if not isinstance(data, dict):
            raise ScenarioError("X-Fake-Scenario JSON must be an object")
        return data
    pairs: dict[str, Any] = {}
    for part in header.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ScenarioError(f"expected key=value, got {part!r}")
        pairs[key.strip()] = value.strip()
    return pairs
