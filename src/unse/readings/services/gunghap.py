"""Opening a 궁합 reading: the pipeline of one-chart readings (cache-first, single flight, limits, budget,
breaker, fallback to the rule-based text) over two charts in canonical order (`unse.readings.pair`).

`gunghap_open(request=..., caller=..., names=...)` validates both births (a bad one names the person)
before any I/O and returns the session and the names its stored text's `[A]` / `[B]` stand for;
`gunghap_events` streams it with those filled in; `gunghap_get_or_create` returns the whole text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from typing import Any

from django.conf import settings

from saju.birth import BirthInput
from saju.chart import chart_from_birth
from saju.compat import Side
from saju.errors import SajuError
from unse.core.event_stream import StreamEvent
from unse.core.request import Caller
from unse.readings.cached import chart_document_get, chart_document_put
from unse.readings.keys import chart_fingerprint
from unse.readings.pair import (
    DEFAULT_NAMES,
    PairOrder,
    PairResult,
    canonical_compat,
    fill_roles,
    gunghap_builtin_text,
    gunghap_compute,
    gunghap_rules_hash,
    pair_prompt_facts,
    pair_truth,
    person_birth_parse,
    person_error,
    relationship_parse,
    role_events,
)
from unse.readings.pipeline import Job
from unse.readings.prompting import build_messages
from unse.readings.requests import ReadingRequest
from unse.readings.services.open import OpeningBase, ReadingKeys
from unse.readings.services.session import ReadingResult, ReadingSession


def builtin_gunghap_version() -> tuple[str, str]:
    """The built-in interpreter's (prompt version, model) for 궁합: a hash of its 궁합 texts."""
    rules = gunghap_rules_hash()
    return f"rules-gunghap-{rules}", f"builtin-gunghap-{rules}"


def _document(parsed: BirthInput, side: Side) -> tuple[str, dict[str, Any]]:
    """The fingerprint and chart document of one person (validated here, before any I/O)."""
    fingerprint = chart_fingerprint(parsed.to_mapping())
    document = chart_document_get(fingerprint)
    if document is None:
        try:
            chart = chart_from_birth(parsed)
        except SajuError as error:
            raise person_error(side, error) from error
        document = chart_document_put(fingerprint, chart)
    return fingerprint, document


class _GunghapOpening(OpeningBase[PairResult]):
    def __init__(self, request: ReadingRequest, caller: Caller) -> None:
        super().__init__(request, caller)
        self.order: PairOrder | None = None

    async def open(self, *, skip_lookup: bool) -> ReadingSession:
        request = self.request
        reference = request.reference
        relation = relationship_parse(request.relation)
        births = (request.charts[0].birth, request.charts[1].birth)
        parsed_a = person_birth_parse(birth=births[0], side=Side.A)
        parsed_b = person_birth_parse(birth=births[1], side=Side.B)
        fingerprint_a, document_a = _document(parsed_a, Side.A)
        fingerprint_b, document_b = _document(parsed_b, Side.B)
        order = PairOrder.of(fingerprint_a, fingerprint_b, relation)
        self.order = order
        keys = await self._keys(
            (fingerprint_a, fingerprint_b),
            relation=order.relation.value,
            builtin_version=builtin_gunghap_version(),
        )
        session = self._session({"a": document_a, "b": document_b, "relation": relation.value})
        return await self._open(
            session,
            keys,
            skip_lookup=skip_lookup,
            computed=lambda: gunghap_compute(
                a=births[0], b=births[1], relation=relation.value, reference_date=reference
            ),
        )

    def _job(self, keys: ReadingKeys, result: PairResult) -> Job:
        if self.order is None:
            raise RuntimeError("a 궁합 job before its opening")
        compat, chart_a, chart_b = canonical_compat(result, self.order)
        facts = pair_prompt_facts(compat, chart_a, chart_b)
        return Job(
            ai_keys=keys.ai,
            builtin_key=keys.builtin,
            builtin_model=keys.builtin.model,
            messages=build_messages(keys.template, facts),
            builtin_text=lambda: gunghap_builtin_text(compat),
            truth=pair_truth(compat, chart_a, chart_b),
            facts=facts,
            max_tokens=settings.READINGS_MAX_TOKENS,
        )


@dataclasses.dataclass(frozen=True, slots=True)
class GunghapSession:
    session: ReadingSession
    text_names: tuple[str, str]  # what the stored text's [A] and [B] stand for

    def events(self) -> AsyncGenerator[StreamEvent | None, None]:
        return role_events(self.session.events(), self.text_names)


async def gunghap_open(
    *, request: ReadingRequest, caller: Caller, names: tuple[str, str] = DEFAULT_NAMES
) -> GunghapSession:
    """Everything before the first streamed byte of a 궁합 reading; `names` are the request's A and B."""
    opening = _GunghapOpening(request, caller)
    session = await opening.start()
    if opening.order is None:
        raise RuntimeError("a 궁합 opening without its order")
    return GunghapSession(session, opening.order.names_for_text(names))


async def gunghap_get_or_create(
    *, request: ReadingRequest, caller: Caller, names: tuple[str, str] = DEFAULT_NAMES
) -> ReadingResult:
    """The whole 궁합 reading (cached or generated), names filled in."""
    opened = await gunghap_open(request=request, caller=caller, names=names)
    result = await opened.session.result()
    return dataclasses.replace(
        result,
        text=fill_roles(result.text, opened.text_names),
        html=None if result.html is None else fill_roles(result.html, opened.text_names, escape=True),
    )
