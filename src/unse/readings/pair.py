"""궁합 (two charts) in the readings pipeline: validation that names the person, the canonical order of a
pair, the facts a prompt may see, the grounding truth of both charts, the rule-based text, and the role
placeholders of a stored text.

**Canonical order.** A 궁합 reading is cached under both chart fingerprints in sorted order plus the
relation, so (A, B) and (B, A) find the same row. The text is therefore always written about the pair in
canonical order — the chart with the smaller fingerprint is `[A]` — and with the relation as seen from
that side (`parent` ↔ `child`). The text never contains a name: it calls the two people `[A]님` and
`[B]님`, and `fill_roles` puts in the names when it is shown, swapped when the request's A is the
canonical B, so a swapped pair never reads the wrong names or directions. (`님` ends every placeholder,
so the particle after it never depends on the name.)
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from saju.analysis import Analysis
from saju.birth import BirthInput
from saju.chart import Chart, chart_from_birth
from saju.compat import CompatFact, Compatibility, Relationship, Side, compatibility
from saju.compat.engine import KIND_KEYS
from saju.errors import SajuError
from saju.reading.gunghap import GunghapReading, gunghap_markdown, gunghap_reading
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import EventName, StreamEvent
from unse.readings.facts import ground_truth, prompt_facts
from unse.readings.grounding import PairTruth, relation_token
from unse.readings.keys import Kind, chart_fingerprint, engine_probes
from unse.readings.services.charts import ChartResult, chart_result

PERSON_LABEL: dict[Side, str] = {Side.A: "첫째 사람(A)", Side.B: "둘째 사람(B)"}
ROLE_TOKEN: dict[Side, str] = {Side.A: "[A]", Side.B: "[B]"}
TEXT_NAMES: tuple[str, str] = ("[A]님", "[B]님")
DEFAULT_NAMES: tuple[str, str] = ("A", "B")
RELATION_CHOICES = ", ".join(r.value for r in Relationship)
_KIND_WORDS: dict[str, str] = {key: kind.value for kind, key in KIND_KEYS.items()} | {"gwimun": "귀문"}
HASH_CHARS = 12


def relationship_parse(value: str | None) -> Relationship:
    try:
        return Relationship(value or Relationship.COUPLE.value)
    except ValueError:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=f"관계(relation)는 {RELATION_CHOICES} 중 하나여야 합니다.",
            details={"field": "relation", "choices": [r.value for r in Relationship]},
        ) from None


def person_birth_parse(*, birth: Mapping[str, object], side: Side) -> BirthInput:
    """The birth of one person; a bad one is VALIDATION_ERROR whose Korean message names the person."""
    try:
        return BirthInput.from_mapping(birth)
    except SajuError as error:
        raise person_error(side, error) from error


def person_error(side: Side, error: SajuError) -> ServiceError:
    return ServiceError(
        ErrorCode.VALIDATION_ERROR,
        message=f"{PERSON_LABEL[side]}의 출생 정보를 확인해 주세요: {error.message}",
        details={"engine_code": error.code, "field": f"{side.value}.birth", "person": side.value},
    )


def _person_result(parsed: BirthInput, side: Side, reference: date) -> ChartResult:
    try:
        chart = chart_from_birth(parsed)
    except SajuError as error:
        raise person_error(side, error) from error
    try:
        return chart_result(parsed, reference, chart=chart)
    except ServiceError as error:
        # The analysis refuses a reference before the birth: say whose birth it is.
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=f"{PERSON_LABEL[side]}의 출생 정보를 확인해 주세요: {error.message}",
            details={**error.details, "field": f"{side.value}.birth", "person": side.value},
        ) from error


@dataclass(frozen=True, slots=True)
class PairResult:
    """Both charts (in the request's order), their 궁합 and its rule-based reading."""

    a: ChartResult
    b: ChartResult
    compat: Compatibility
    reading: GunghapReading


def gunghap_compute(
    *,
    a: Mapping[str, object],
    b: Mapping[str, object],
    relation: str | None = None,
    reference_date: date | None = None,
    names: tuple[str, str] = DEFAULT_NAMES,
) -> PairResult:
    """Validate both births (errors name the person), compute both charts, the 궁합 and its reading."""
    kind = relationship_parse(relation)
    reference = reference_date or kst_today()
    parsed_a = person_birth_parse(birth=a, side=Side.A)
    parsed_b = person_birth_parse(birth=b, side=Side.B)
    result_a = _person_result(parsed_a, Side.A, reference)
    result_b = _person_result(parsed_b, Side.B, reference)
    compat = compatibility(
        result_a.chart,
        result_b.chart,
        kind,
        reference,
        analysis_a=result_a.analysis,
        analysis_b=result_b.analysis,
    )
    return PairResult(result_a, result_b, compat, gunghap_reading(compat, (f"{names[0]}님", f"{names[1]}님")))


# --- canonical order and role placeholders ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairOrder:
    """The request's pair seen in canonical order: `swapped` when the request's A is the canonical B."""

    fingerprints: tuple[str, str]  # request order
    swapped: bool
    relation: Relationship  # as seen from the canonical A

    @classmethod
    def of(cls, fingerprint_a: str, fingerprint_b: str, relation: Relationship) -> PairOrder:
        swapped = fingerprint_b < fingerprint_a
        return cls((fingerprint_a, fingerprint_b), swapped, relation.swapped if swapped else relation)

    def names_for_text(self, names: tuple[str, str]) -> tuple[str, str]:
        """What `[A]` and `[B]` of the stored text stand for, given the request's (A, B) names."""
        return (names[1], names[0]) if self.swapped else names


def pair_order(parsed_a: BirthInput, parsed_b: BirthInput, relation: Relationship) -> PairOrder:
    return PairOrder.of(
        chart_fingerprint(parsed_a.to_mapping()), chart_fingerprint(parsed_b.to_mapping()), relation
    )


def fill_roles(text: str, names: tuple[str, str], *, escape: bool = False) -> str:
    """The stored text with `[A]` / `[B]` replaced by the names (HTML-escaped for stored HTML)."""
    a, b = (html.escape(n) for n in names) if escape else names
    return text.replace(ROLE_TOKEN[Side.A], a).replace(ROLE_TOKEN[Side.B], b)


class RoleFiller:
    """`fill_roles` over streamed pieces: a piece ending inside a placeholder ("…[", "…[A") waits for the next."""

    def __init__(self, names: tuple[str, str]) -> None:
        self.names = names
        self.pending = ""

    def feed(self, piece: str) -> str:
        text = self.pending + piece
        cut = text.rfind("[")
        if cut != -1 and len(text) - cut < len(ROLE_TOKEN[Side.A]) and "]" not in text[cut:]:
            self.pending, text = text[cut:], text[:cut]
        else:
            self.pending = ""
        return fill_roles(text, self.names)

    def flush(self) -> str:
        rest, self.pending = self.pending, ""
        return fill_roles(rest, self.names)


async def role_events(
    events: AsyncGenerator[StreamEvent | None, None], names: tuple[str, str]
) -> AsyncGenerator[StreamEvent | None, None]:
    """A reading's events with the role placeholders of every `delta` filled in (`names` as in the text)."""
    filler = RoleFiller(names)
    try:
        async for event in events:
            if event is not None and event.name == EventName.DELTA:
                text = filler.feed(str(event.data["text"]))
                if text:
                    yield StreamEvent.make(EventName.DELTA, {**event.data, "text": text})
                continue
            if event is not None and event.terminal and (rest := filler.flush()):
                yield StreamEvent.make(EventName.DELTA, {"text": rest})
            yield event
    finally:
        await events.aclose()


# --- what the prompt sees, and the truth the answer is checked against ------------------------------------


def _where(fact: CompatFact) -> str:
    return " ↔ ".join(p.slot if p.side is None else f"{ROLE_TOKEN[p.side]}님의 {p.slot}" for p in fact.places)


def pair_prompt_facts(compat: Compatibility, a: Chart, b: Chart) -> dict[str, Any]:
    """The facts of both charts (no name, birth date or place) and of their 궁합, in canonical order."""
    reference = compat.reference
    person = {
        Side.A: prompt_facts(a, compat.analysis_a, Kind.GUNGHAP, reference),
        Side.B: prompt_facts(b, compat.analysis_b, Kind.GUNGHAP, reference),
    }
    return {
        "관계": compat.relation.label,
        "기준 연도": compat.year,
        "올해 세운": compat.year_pillar,
        "[A]님": person[Side.A],
        "[B]님": person[Side.B],
        "궁합": {
            "점수": compat.score,
            "점수 내역": [
                {
                    "분야": c.category.title,
                    "점수": c.points,
                    "가중치": c.weight,
                    "기여": c.contribution,
                    "규칙": c.rule,
                }
                for c in compat.breakdown
            ],
            "사실": [
                {
                    "분야": f.category.title,
                    "이름": f.name,
                    "자리": _where(f),
                    "누구 쪽": None if f.owner is None else f"{ROLE_TOKEN[f.owner]}님",
                    "점수": f.points,
                    "규칙": f.rule,
                }
                for f in compat.facts
            ],
            "참고": [n.text.replace(f"{n.side.letter}의", f"[{n.side.letter}]님의", 1) for n in compat.notes],
        },
    }


def _analysis_relations(analysis: Analysis) -> list[tuple[str, str]]:
    out = [("".join(r.chars), r.kind.value) for r in analysis.relations]
    out.extend(("".join(r.chars), r.kind.value) for y in analysis.sewoon for r in y.info.relations)
    current = analysis.daewoon.current if analysis.daewoon is not None else None
    if current is not None:
        out.extend(("".join(r.chars), r.kind.value) for r in current.info.relations)
    return out


def pair_truth(compat: Compatibility, a: Chart, b: Chart) -> PairTruth:
    pairs = [("".join(f.chars), _KIND_WORDS[f.key]) for f in compat.facts if f.key in _KIND_WORDS]
    pairs.extend(_analysis_relations(compat.analysis_a))
    pairs.extend(_analysis_relations(compat.analysis_b))
    return PairTruth(
        a=ground_truth(a, compat.analysis_a),
        b=ground_truth(b, compat.analysis_b),
        relations=frozenset(relation_token(chars, kind) for chars, kind in pairs if len(chars) == 2),
    )


def gunghap_builtin_text(compat: Compatibility) -> str:
    """The rule-based reading as stored text: the people as `[A]님` / `[B]님`."""
    return gunghap_markdown(gunghap_reading(compat, TEXT_NAMES)).strip() + "\n"


@cache
def gunghap_rules_hash() -> str:
    """A hash of the rule-based 궁합 texts and prompt facts of the committed probe charts taken in pairs
    (each with the next): part of the built-in 궁합 model id and of the 궁합 prompt version, so a change of
    what the engine says about a pair never serves a stale stored text, while a refactor keeps them."""
    digest = hashlib.sha256()
    probes = engine_probes()
    charts = [chart_from_birth(BirthInput.from_mapping(p.birth)) for p in probes]
    for index, chart_a in enumerate(charts):
        chart_b = charts[(index + 1) % len(charts)]
        for reference in probes[index].references:
            if reference < max(chart_a.solar_date, chart_b.solar_date):
                continue
            for relation in Relationship:
                compat = compatibility(chart_a, chart_b, relation, reference)
                digest.update(gunghap_builtin_text(compat).encode())
                digest.update(repr(pair_prompt_facts(compat, chart_a, chart_b)).encode())
    return digest.hexdigest()[:HASH_CHARS]


def canonical_compat(result: PairResult, order: PairOrder) -> tuple[Compatibility, Chart, Chart]:
    """The 궁합 in canonical order (recomputed only for a swapped pair; the analyses are reused)."""
    if not order.swapped:
        return result.compat, result.a.chart, result.b.chart
    compat = compatibility(
        result.b.chart,
        result.a.chart,
        order.relation,
        result.compat.reference,
        analysis_a=result.b.analysis,
        analysis_b=result.a.analysis,
    )
    return compat, result.b.chart, result.a.chart
