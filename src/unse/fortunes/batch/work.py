"""The batch's per-user step on the real readings pipeline: prepare (the daily keys, no AI), skip when the
fortune exists, wait for an open breaker, generate through the pipeline, and tell a stored AI fortune from
a fallback (which is retried, not kept)."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from saju.birth import BirthInput
from saju.chart import chart_from_birth
from unse.accounts.selectors.profiles import default_profiles_of, profile_birth_mapping, profile_default_get
from unse.ai.breaker import BreakerState, breaker_state
from unse.ai.providers import configured_providers
from unse.core.db import db_call
from unse.core.errors import ErrorCode, ServiceError
from unse.core.request import Caller
from unse.fortunes.daily import BATCH_SUBJECT, daily_cache_keys, daily_request
from unse.readings.selectors import reading_exists, readings_existing
from unse.readings.services.open import reading_get_or_create
from unse.readings.services.retention import readings_delete
from unse.readings.services.session import ReadingResult

HALF_OPEN_PROBE_SECONDS = 2.0


class FortuneNotGenerated(Exception):
    """The pipeline answered without storing an AI fortune (fallback or grounding mismatch): retry later."""

    def __init__(self, code: ErrorCode, cause: str) -> None:
        super().__init__(cause)
        self.code = code
        self.cause = cause


@dataclass(frozen=True, slots=True)
class PreparedFortune:
    user_id: int
    birth: dict[str, object]
    cache_keys: tuple[str, ...]
    exists: bool


class DailyFortuneWork:
    """The batch's per-user step (`unse.fortunes.batch.workers.DailyWork`) on the real readings pipeline."""

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
        for profile in default_profiles_of(user_ids=user_ids):
            try:
                birth = profile_birth_mapping(profile=profile)
                keys = tuple(daily_cache_keys(birth=birth, day=self.target_date))
                if self.validate_chart:
                    chart_from_birth(BirthInput.from_mapping(birth))
            except Exception as error:
                prepared[profile.user_id] = error
                continue
            pending[profile.user_id] = (birth, keys)
        wanted = [key for _, keys in pending.values() for key in keys]
        existing = readings_existing(cache_keys=wanted)
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
        exists = reading_exists(cache_keys=keys)
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
            await db_call(readings_delete, cache_keys=prepared.cache_keys)
        # prepare/prepare_page just found no reading under these keys (or --force deleted it above): skip the
        # pipeline's first lookup; its leader still re-checks after taking the flight.
        request = daily_request(birth=prepared.birth, day=self.target_date, known_missing=True)
        caller = Caller(
            user=None,
            client_subject=BATCH_SUBJECT,
            request_id=f"batch-{os.getpid()}-{prepared.user_id}-{next(self._calls)}",
            charge=False,
            batch=True,
        )
        result = await reading_get_or_create(request=request, caller=caller)
        _require_stored(result, ai_expected=bool(self._providers))
        # When this call led the generation, `reading_id` comes from the pipeline's own INSERT (or the row
        # read back under the same unique key): the row exists, no extra query. A joined or cached answer
        # may come from another flight's replay whose row is gone (e.g. deleted by --force): check the table.
        if (result.joined or result.cached) and not await db_call(
            reading_exists, cache_keys=prepared.cache_keys
        ):
            raise FortuneNotGenerated(ErrorCode.AI_BAD_RESPONSE, "NOT_STORED")
        return int(result.usage.get("prompt_tokens", 0)) + int(result.usage.get("completion_tokens", 0))


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
