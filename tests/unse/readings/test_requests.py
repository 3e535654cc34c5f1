"""`ReadingRequest`: validated once at the edge, with its charts' roles checked against the kind."""

from __future__ import annotations

from datetime import date

import pytest

from unse.core.errors import ErrorCode, ServiceError
from unse.readings.keys import ChartRole, Kind, Mode, Topic
from unse.readings.requests import ChartInput, ReadingRequest, reading_request

BIRTH: dict[str, object] = {"datetime": "1990-05-17T14:30", "gender": "female"}


def test_the_strings_of_a_payload_become_a_typed_request() -> None:
    request = reading_request(birth=BIRTH, kind="daily", mode="warm", reference_date=date(2026, 11, 24))
    assert (request.kind, request.topic, request.mode) == (Kind.DAILY, Topic.GENERAL, Mode.WARM)
    assert request.charts == (ChartInput(birth=BIRTH, role=ChartRole.SELF),)
    assert request.reference == date(2026, 11, 24) and request.birth == BIRTH


@pytest.mark.parametrize(
    "options", [{"kind": "tarot"}, {"topic": "lottery"}, {"mode": "rude"}, {"kind": "daily", "topic": "love"}]
)
def test_unknown_choices_are_a_korean_validation_error(options: dict[str, str]) -> None:
    with pytest.raises(ServiceError) as caught:
        reading_request(birth=BIRTH, **options)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR and caught.value.message


def test_a_kinds_charts_must_carry_its_roles() -> None:
    with pytest.raises(ValueError, match="takes charts"):
        ReadingRequest(
            charts=(ChartInput(BIRTH, ChartRole.A), ChartInput(BIRTH, ChartRole.B)), kind=Kind.SAJU
        )
