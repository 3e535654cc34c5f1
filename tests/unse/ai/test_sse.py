"""The SSE parser: events split anywhere by the network, comments, multi-line data, CRLF, [DONE]."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unse.ai.sse_parser import SSEEvent, SSEParser

STREAM = (
    b": keep-alive comment\n\n"
    b'data: {"a": 1}\n\n'
    b"event: note\r\nid: 7\r\ndata: line one\r\ndata: line two\r\n\r\n"
    b"data:no-space\rdata: second\r\r"
    b"retry: 1500\ndata: x\n\n"
    b"event: empty\n\n"
    b"data: [DONE]\n\n"
)
EXPECTED = [
    SSEEvent(data=b'{"a": 1}'),
    SSEEvent(data=b"line one\nline two", event="note", id="7"),
    SSEEvent(data=b"no-space\nsecond", id="7"),
    SSEEvent(data=b"x", id="7", retry=1500),
    SSEEvent(data=b"[DONE]", id="7"),
]


def _feed_all(pieces: list[bytes]) -> list[SSEEvent]:
    parser = SSEParser()
    events: list[SSEEvent] = []
    for piece in pieces:
        events.extend(parser.feed(piece))
    return events


def test_whole_stream_in_one_read() -> None:
    assert _feed_all([STREAM]) == EXPECTED


def test_one_byte_at_a_time() -> None:
    assert _feed_all([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_any_split_gives_the_same_events(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)], strict=True)]
    assert _feed_all(pieces) == EXPECTED


def test_comment_only_and_empty_data_blocks_dispatch_nothing() -> None:
    assert _feed_all([b": ping\n\n", b"event: x\n\n", b"id: 3\n\n"]) == []


def test_crlf_split_between_cr_and_lf() -> None:
    assert _feed_all([b"data: a\r", b"\n\r", b"\n"]) == [SSEEvent(data=b"a")]


def test_unterminated_last_event_is_not_dispatched() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: partial") == []
    assert parser.flush() == []


def test_utf8_split_inside_a_character() -> None:
    payload = 'data: {"content": "사주 풀이"}\n\n'.encode()
    events = _feed_all([payload[:12], payload[12:13], payload[13:]])
    assert [e.data.decode() for e in events] == ['{"content": "사주 풀이"}']


def test_feed_data_matches_feed_for_any_split() -> None:
    full = SSEParser()
    fast = SSEParser()
    expected = [event.data for event in full.feed(STREAM)]
    got: list[bytes] = []
    for i in range(0, len(STREAM), 5):
        got.extend(fast.feed_data(STREAM[i : i + 5]))
    assert got == expected
    assert fast.feed_data(b'data: {"x": 1}\n\ndata: a\ndata: b\n\n') == [b'{"x": 1}', b"a\nb"]
