"""The daily fortune through the readings pipeline: one definition for the batch, /today and the e-mail.

A daily fortune is the readings pipeline's `daily` reading for (chart fingerprint, KST date, prompt
version) — nothing is stored here. The batch asks the pipeline without charging the per-visitor rate
limit (it paces itself with its own token bucket) and without a user (the platform's providers).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from saju.analysis import analyze
from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.reading.signature import daily_personal
from unse.accounts.models import Profile
from unse.accounts.selectors.profiles import profile_birth_mapping
from unse.core.request import Caller, UserLike
from unse.readings.keys import Kind, Mode, Topic
from unse.readings.requests import ChartInput, ReadingRequest
from unse.readings.services.open import reading_get_or_create, reading_lookup_keys
from unse.readings.services.session import ReadingMeta, ReadingResult

DAILY_KIND = Kind.DAILY
DAILY_TOPIC = Topic.GENERAL
DAILY_MODE = Mode.PLAIN
BATCH_SUBJECT = "batch:daily"


def daily_request(*, birth: Mapping[str, object], day: date, known_missing: bool = False) -> ReadingRequest:
    """The readings pipeline's request of the daily fortune of a birth for a KST day."""
    return ReadingRequest(
        charts=(ChartInput(birth=birth),),
        kind=DAILY_KIND,
        topic=DAILY_TOPIC,
        mode=DAILY_MODE,
        reference_date=day,
        known_missing=known_missing,
    )


def daily_email_line(*, birth: Mapping[str, object], day: date) -> str:
    """The morning e-mail's first line for this birth and day, written by the engine
    (`saju.reading.signature.daily_personal`)."""
    chart = chart_from_birth(BirthInput.from_mapping(birth))
    return daily_personal(chart, analyze(chart, reference=day), day).email_line


def daily_cache_keys(*, birth: Mapping[str, object], day: date) -> list[str]:
    """The stored-row keys of the daily fortune of this birth and KST day, in the pipeline's preference
    order: each configured provider's model, or the built-in interpreter when none is configured."""
    return reading_lookup_keys(daily_request(birth=birth, day=day))


@dataclass(frozen=True, slots=True)
class DailyFortune:
    """What /today, POST /daily and the e-mail show."""

    day: date
    text: str
    reading_id: str | None
    cached: bool
    generated_by: dict[str, Any]
    notices: tuple[dict[str, Any], ...]
    meta: ReadingMeta
    html: str | None = None  # the stored reading's rendered HTML when known (a cache hit)

    @classmethod
    def from_result(cls, result: ReadingResult, *, day: date) -> DailyFortune:
        return cls(
            day=day,
            text=result.text,
            reading_id=result.reading_id,
            cached=result.cached,
            generated_by=result.generated_by,
            notices=result.notices,
            meta=result.meta,
            html=result.html,
        )


async def daily_fortune_for_profile(
    *,
    profile: Profile,
    day: date,
    user: UserLike | None = None,
    client_subject: str = BATCH_SUBJECT,
    request_id: str = "",
) -> DailyFortune:
    """The stored fortune of the profile's chart for `day`, or generated now and stored (cache first)."""
    caller = Caller(
        user=user,
        client_subject=client_subject,
        request_id=request_id or f"daily-{uuid.uuid4().hex[:12]}",
        charge=user is not None,
    )
    request = daily_request(birth=profile_birth_mapping(profile=profile), day=day)
    result = await reading_get_or_create(request=request, caller=caller)
    return DailyFortune.from_result(result, day=day)
