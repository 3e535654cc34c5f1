"""Sentry receives no birth data: a local fake Sentry endpoint (real HTTP, the SDK's own transport) records
what leaves the process when a view fails with birth data in its query string, its body and its locals."""

from __future__ import annotations

import json
import re

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

# What the SDK makes up on its own (send times, epoch floats, event and trace ids) can hold any digits:
# "1977" once turned up inside `sent_at` ("…00:06:48.211977Z"). Those values are taken out before the search.
_CLOCKS_AND_IDS = re.compile(rb"\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?|\d+\.\d+|[0-9a-f]{16,}")


def _without_clocks_and_ids(sent: bytes) -> bytes:
    return _CLOCKS_AND_IDS.sub(b"-", sent)


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
    searched = _without_clocks_and_ids(sent)
    for needle in (b"1977", b"me@example.com", b"parent@15.example", b"year=", b"14:30"):
        assert needle not in searched, needle
    assert b"/api/v1/broken/" in sent  # the path stays, so the event is still useful
