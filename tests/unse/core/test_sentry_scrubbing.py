"""Sentry receives no birth data: a local fake Sentry endpoint (real HTTP, the SDK's own transport) records
what leaves the process when a view fails with birth data in its query string, its body and its locals."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.urls import path

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


async def failing_with_birth_data(request: HttpRequest) -> HttpResponse:
    # Frame locals holding the decrypted values (Sentry used to send them with the stack trace).
    birth_date = json.loads(request.body)["birth_date"]
    guardian_email = f"parent@{request.GET['day']}.example"
    raise ValueError(f"broken chart for profile {len(birth_date) + len(guardian_email)}")


urlpatterns = [path("api/v1/broken/", failing_with_birth_data)]

# Values the SDK makes up on its own (send times, ids, sampling draws) may hold any digits: the birth year once
# turned up inside `sent_at`'s microseconds. Only those keys are left out of the search; all else is searched
# (this file's own lines too, which the event carries as source context: no birth data in these comments).
_SDK_OWN_KEYS = frozenset(
    {
        "sent_at",
        "timestamp",
        "start_timestamp",
        "event_id",
        "trace_id",
        "span_id",
        "parent_span_id",
        "sample_rand",
    }
)


def _without_sdk_own_values(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_sdk_own_values(v) for k, v in value.items() if k not in _SDK_OWN_KEYS}
    if isinstance(value, list):
        return [_without_sdk_own_values(v) for v in value]
    return value


def _searchable(sent: bytes) -> bytes:
    """The envelopes' lines, each JSON line without the SDK's own values (a line that is not JSON as it is)."""
    lines = []
    for line in sent.splitlines():
        try:
            lines.append(json.dumps(_without_sdk_own_values(json.loads(line)), ensure_ascii=False).encode())
        except ValueError:
            lines.append(line)
    return b"\n".join(lines)


async def test_no_birth_data_reaches_sentry(async_client, fake_sentry: list[bytes]):
    response = await async_client.post(
        "/api/v1/broken/?year=1977&month=7&day=15&hour=14",
        data='{"birth_date": "1977-07-15", "email": "me@example.com", "time": "14:30"}',
        content_type="application/json",
        HTTP_REFERER="https://unse.example/chart/?year=1977&month=7",
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    sent = b"".join(fake_sentry)
    assert b"ValueError" in sent and b"broken chart" in sent  # the event did arrive
    searched = _searchable(sent)
    for needle in (b"1977", b"me@example.com", b"parent@15.example", b"year=", b"14:30"):
        assert needle not in searched, needle
    assert b"/api/v1/broken/" in sent  # the path stays, so the event is still useful
