"""The daily fortune through the readings pipeline: one definition for the batch, /today and the e-mail.

A daily fortune is the readings pipeline's `daily` reading for (chart fingerprint, KST date, prompt
version) — nothing is stored here. The batch asks the pipeline with `charge=False` (it paces itself with
its own token bucket instead of the per-visitor rate limit) and `user=None` (the platform's providers).
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from saju.birth import BirthInput
from saju.chart import chart_from_birth
from unse.accounts.models import Profile
from unse.accounts.selectors import profile_birth_mapping, profile_default_get
from unse.ai.breaker import BreakerState, breaker_state
from unse.ai.providers import configured_providers
from unse.core.errors import ErrorCode, ServiceError
from unse.ops.prompts import prompt_override
from unse.readings import builtin
from unse.readings.db import db_call
from unse.readings.keys import CacheKey, Kind, Mode, Topic, chart_fingerprint, period_of
from unse.readings.models import Reading
from unse.readings.prompting import prompt_template
from unse.readings.services import ReadingResult, reading_get_or_create

DAILY_KIND = Kind.DAILY
DAILY_TOPIC = Topic.GENERAL
DAILY_MODE = Mode.PLAIN
BATCH_SUBJECT = "batch:daily"
HALF_OPEN_PROBE_SECONDS = 2.0


class FortuneNotGenerated(Exception):
    """The pipeline answered without storing an AI fortune (fallback or grounding mismatch): retry later."""

    def __init__(self, code: ErrorCode, cause: str) -> None:
        super().__init__(cause)
        self.code = code
        self.cause = cause


def daily_cache_keys(*, birth: Mapping[str, object], day: date) -> list[str]:
    """The stored-row keys of the daily fortune of this birth and KST day, in the pipeline's preference
    order: each configured provider's model, or the built-in interpreter when none is configured."""
    normalized = BirthInput.from_mapping(birth).to_mapping()
    fingerprint = chart_fingerprint(normalized)
    period = period_of(DAILY_KIND, day)
    providers = configured_providers()
    if not providers:
        return [
            CacheKey(
                fingerprint,
                DAILY_KIND,
                DAILY_TOPIC,
                DAILY_MODE,
                builtin.prompt_version(),
                builtin.model_id(),
                period,
            ).digest
        ]
    # The operators' console may pin a prompt version (unse.ops.prompts).
    version = (
        prompt_override(DAILY_KIND, DAILY_TOPIC, DAILY_MODE)
        or prompt_template(DAILY_KIND, DAILY_TOPIC, DAILY_MODE)
    ).version
    return [
        CacheKey(fingerprint, DAILY_KIND, DAILY_TOPIC, DAILY_MODE, version, provider.model, period).digest
        for provider in providers
    ]


@dataclass(frozen=True, slots=True)
class PreparedFortune:
    user_id: int
    birth: dict[str, object]
    cache_keys: tuple[str, ...]
    exists: bool


class DailyFortuneWork:
    """The batch's per-user step (`unse.fortunes.engine.DailyWork`) on the real readings pipeline."""

    def __init__(
        self, *, target_date: date, validate_chart: bool = False, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.target_date = target_date
        # --dry-run: also compute the chart so that a profile that cannot make one shows up as a failure.
        self.validate_chart = validate_chart
        self._providers = [provider.name for provider in configured_providers()]
        self._next_probe = 0.0
        self._clock = clock
        # Request ids for logs without a uuid per call: the process id (--processes forks) and a counter.
        self._calls = itertools.count(1)

    async def prepare(self, user_id: int) -> PreparedFortune:
        return await db_call(self._prepare, user_id)

    async def prepare_page(self, user_ids: Sequence[int]) -> dict[int, PreparedFortune | Exception]:
        return await db_call(self._prepare_page, list(user_ids))

    def _prepare_page(self, user_ids: list[int]) -> dict[int, PreparedFortune | Exception]:
        # Two queries per page (profiles, existing readings by unique key) instead of two per user.
        prepared: dict[int, PreparedFortune | Exception] = {}
        pending: dict[int, tuple[dict[str, object], tuple[str, ...]]] = {}
        for profile in Profile.objects.filter(user_id__in=user_ids, is_default=True):
            try:
                birth = profile_birth_mapping(profile=profile)
                keys = tuple(daily_cache_keys(birth=birth, day=self.target_date))
                if self.validate_chart:
                    chart_from_birth(BirthInput.from_mapping(birth))
            except Exception as error:  # noqa: BLE001 - recorded as this user's failure by the engine
                prepared[profile.user_id] = error
                continue
            pending[profile.user_id] = (birth, keys)
        wanted = [key for _, keys in pending.values() for key in keys]
        existing = set(Reading.objects.filter(cache_key__in=wanted).values_list("cache_key", flat=True))
        for user_id, (birth, keys) in pending.items():
            exists = any(key in existing for key in keys)
            prepared[user_id] = PreparedFortune(user_id=user_id, birth=birth, cache_keys=keys, exists=exists)
        for user_id in user_ids:
            prepared.setdefault(user_id, ServiceError(ErrorCode.NOT_FOUND, message="기본 프로필이 없습니다."))
        return prepared

    def _prepare(self, user_id: int) -> PreparedFortune:
        # One worker-thread hop for both queries (profile, existing reading by unique key).
        profile = profile_default_get(user_id=user_id)
        if profile is None:
            raise ServiceError(ErrorCode.NOT_FOUND, message="기본 프로필이 없습니다.")
        birth = profile_birth_mapping(profile=profile)
        keys = tuple(daily_cache_keys(birth=birth, day=self.target_date))
        if self.validate_chart:
            chart_from_birth(BirthInput.from_mapping(birth))
        exists = Reading.objects.filter(cache_key__in=keys).exists()
        return PreparedFortune(user_id=user_id, birth=birth, cache_keys=keys, exists=exists)

    async def provider_open(self) -> bool:
        """True while the batch should hold off: the breaker is open, or half-open and this process
        already sent its probe within the last HALF_OPEN_PROBE_SECONDS (one probe at a time, so the
        batch lets the breaker close again without piling failures onto a recovering provider)."""
        # Only the first provider matters: the pipeline would fall back to the next one otherwise.
        if not self._providers:
            return False
        state = await breaker_state(self._providers[0])
        if state is BreakerState.CLOSED:
            return False
        if state is BreakerState.OPEN:
            return True
        now = self._clock()
        if now < self._next_probe:
            return True
        self._next_probe = now + HALF_OPEN_PROBE_SECONDS
        return False

    async def generate(self, prepared: PreparedFortune, *, force: bool) -> int:
        if force:
            await db_call(_readings_delete, cache_keys=prepared.cache_keys)
        result = await reading_get_or_create(
            birth=prepared.birth,
            kind=DAILY_KIND.value,
            topic=DAILY_TOPIC.value,
            mode=DAILY_MODE.value,
            user=None,
            client_subject=BATCH_SUBJECT,
            request_id=f"batch-{os.getpid()}-{prepared.user_id}-{next(self._calls)}",
            reference_date=self.target_date,
            charge=False,
            # prepare/prepare_page just found no reading under these keys (or --force deleted it above):
            # skip the pipeline's first lookup; its leader still re-checks after taking the flight.
            known_missing=True,
        )
        _require_stored(result, ai_expected=bool(self._providers))
        # When this call led the generation, `reading_id` comes from the pipeline's own INSERT (or the row
        # read back under the same unique key): the row exists, no extra query. A joined or cached answer
        # may come from another flight's replay whose row is gone (e.g. deleted by --force): check the table.
        if (result.joined or result.cached) and not await db_call(
            _readings_exist, cache_keys=prepared.cache_keys
        ):
            raise FortuneNotGenerated(ErrorCode.AI_BAD_RESPONSE, "NOT_STORED")
        return int(result.usage.get("prompt_tokens", 0)) + int(result.usage.get("completion_tokens", 0))


def _readings_exist(*, cache_keys: tuple[str, ...]) -> bool:
    return Reading.objects.filter(cache_key__in=cache_keys).exists()


def _readings_delete(*, cache_keys: tuple[str, ...]) -> None:
    """--force: drop the stored fortune so the pipeline generates it again under the same key."""
    Reading.objects.filter(cache_key__in=cache_keys).delete()


def _require_stored(result: ReadingResult, *, ai_expected: bool) -> None:
    """Only a stored fortune of the expected kind counts as done; a fallback is retried, not kept."""
    if result.reading_id is None or (ai_expected and result.generated_by.get("type") != "ai"):
        codes = [str(notice.get("code", "")) for notice in result.notices]
        cause = next((code for code in codes if code), "NOT_STORED")
        code = ErrorCode[cause] if cause in ErrorCode.__members__ else ErrorCode.AI_BAD_RESPONSE
        # Grounding mismatches and AI fallbacks are worth another attempt (a new answer may pass).
        if code not in (
            ErrorCode.AI_TIMEOUT,
            ErrorCode.AI_UNAVAILABLE,
            ErrorCode.AI_BUSY,
            ErrorCode.AI_QUOTA,
        ):
            code = ErrorCode.AI_BAD_RESPONSE
        raise FortuneNotGenerated(code, cause)


@dataclass(frozen=True, slots=True)
class DailyFortune:
    """What /today, POST /daily and the e-mail show."""

    day: date
    text: str
    reading_id: str | None
    cached: bool
    generated_by: dict[str, Any]
    notices: tuple[dict[str, Any], ...]
    meta: dict[str, Any]
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
    user: Any = None,
    client_subject: str = BATCH_SUBJECT,
    request_id: str = "",
) -> DailyFortune:
    """The stored fortune of the profile's chart for `day`, or generated now and stored (cache first)."""
    birth = profile_birth_mapping(profile=profile)
    result = await reading_get_or_create(
        birth=birth,
        kind=DAILY_KIND.value,
        topic=DAILY_TOPIC.value,
        mode=DAILY_MODE.value,
        user=user,
        client_subject=client_subject,
        request_id=request_id or f"daily-{uuid.uuid4().hex[:12]}",
        reference_date=day,
        charge=user is not None,
    )
    return DailyFortune.from_result(result, day=day)
