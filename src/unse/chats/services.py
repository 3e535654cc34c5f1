"""상담 chat services (docs/topics-and-chat.md).

- `chat_create(...)` (sync, call through `db_call`): a chat from a stored reading or from a birth.
- `chat_turn_open(...)` (async): everything before the first streamed byte — the owner-scoped chat, the
  safety classification, the history (a failure to read it only costs the context), the rate limit, the
  user's message stored, the context built; the request's DB connection is released before it returns.
  Raises ServiceError (VALIDATION_ERROR, NOT_FOUND, RATE_LIMITED, AI_BUSY) before anything is streamed.
- `ChatTurn.events()` yields `meta`, `notice`*, `delta`*, then `done` or `error` (and `None` keep-alive ticks),
  like the readings stream. The answer is stored after its last delta; a cut stream stores nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from saju.reading import build_reading
from unse.ai.providers import configured_providers
from unse.ai.ratelimit import RateDecision, rate_limit_check
from unse.ai.streamcap import open_streams
from unse.chats import metrics
from unse.chats.answers import builtin_answer, sections_from_markdown, truth_from_facts
from unse.chats.context import (
    Budget,
    ChatContext,
    build_context,
    chat_prompt,
    question_topics,
    turns_from_rows,
)
from unse.chats.models import AnswerSource, Chat, ChatMessage, Role
from unse.chats.safety import CRISIS_ANSWER, CRISIS_NOTE, REFERRALS, Flag, message_flags, normalized
from unse.chats.selectors import chat_get, chat_history_rows, chat_message_count
from unse.core.clock import kst_today
from unse.core.db import db_call, release_request_connection
from unse.core.errors import ErrorCode, ServiceError
from unse.core.event_stream import EventName, StreamEvent, error_event, with_request_id
from unse.core.request import UserLike
from unse.core.switch_store import switch_get
from unse.readings import builtin
from unse.readings.facts import prompt_facts
from unse.readings.grounding import GroundTruth
from unse.readings.keys import Kind, Mode, chart_fingerprint
from unse.readings.labels import GROUNDING_NOTICE_CODE, generated_by, notice_event
from unse.readings.models import GeneratedBy, Reading
from unse.readings.relay import ProviderRelay, RelayAnswer, delta_event
from unse.readings.selectors import rules_reading_for
from unse.readings.services.charts import chart_compute
from unse.readings.services.open import stream_cap_error
from unse.readings.services.session import slotted_events

logger = logging.getLogger(__name__)

MODES = tuple(mode.value for mode in Mode)
TOPIC_TITLES: dict[str, str] = {
    "general": "사주 상담",
    "personality": "성격 상담",
    "career": "직업과 일 상담",
    "love": "연애와 인간관계 상담",
    "wealth": "재물 상담",
    "health": "건강과 생활 습관 상담",
    "study": "공부와 자기계발 상담",
}
DAILY_TITLE = "오늘의 운세 상담"
HISTORY_NOTICE = "HISTORY_UNAVAILABLE"
CRISIS_NOTICE = "SAFETY_CRISIS"
PROFESSIONAL_NOTICE = "SEE_A_PROFESSIONAL"
GROUNDING_NOTICE = GROUNDING_NOTICE_CODE
CHAT_NOTICES: dict[str, str] = {
    HISTORY_NOTICE: "이전 대화를 불러오지 못해 이번 질문만으로 답해 드려요.",
    CRISIS_NOTICE: "많이 힘드신 것 같아 운세 대신 도움받을 수 있는 곳을 먼저 안내해 드려요.",
    PROFESSIONAL_NOTICE: "건강·법률·투자에 관한 구체적인 판단은 전문가와 상담해 주세요. 답변 끝에 안내를 덧붙였어요.",
    GROUNDING_NOTICE: "AI 답변에 실제 명식과 다른 내용이 있었어요. 위 명식표를 기준으로 읽어 주세요. 이 답변은 다음 대화의 참고 자료로 쓰지 않아요.",
}
SAFETY_BY = {
    "type": "safety",
    "provider": "builtin",
    "model": "safety",
    "label": "위기 상황 안내는 서비스가 미리 준비한 글입니다(AI가 생성하지 않음).",
}
BUILTIN_PIECE_CHARS = 240


def _notice(code: str, *, details: dict[str, Any] | None = None) -> StreamEvent:
    return notice_event(code, message=CHAT_NOTICES.get(code), details=details)


# --- creating a chat -------------------------------------------------------------------------------------
def _material_from_reading(reading: Reading) -> tuple[dict[str, Any], list[dict[str, str]]]:
    facts = reading.facts if isinstance(reading.facts, dict) else {}
    if truth_from_facts(facts) is None:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="이 풀이로는 상담을 시작할 수 없어요. 생년월일시로 상담을 시작해 주세요.",
            details={"field": "reading_id"},
        )
    sections: list[dict[str, str]] = []
    general = rules_reading_for(fingerprint=reading.fingerprint)
    if general is not None:
        sections = sections_from_markdown(general.text)
    elif reading.generated_by == GeneratedBy.RULES and reading.kind == Kind.SAJU.value:
        sections = sections_from_markdown(reading.text)
    return facts, sections


def chat_create(
    *, user_id: int, reading_id: str | None, birth: Mapping[str, object] | None, mode: str
) -> Chat:
    """A chat about a stored reading (`reading_id`) or a birth; exactly one of them. No birth data is kept."""
    if (reading_id is None) == (birth is None):
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="상담을 시작하려면 풀이 ID(reading_id)와 생년월일시(birth) 중 하나만 보내 주세요.",
            details={"fields": [{"field": "reading_id"}, {"field": "birth"}]},
        )
    if mode not in MODES:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message="말투(mode)는 plain 또는 warm이어야 합니다.",
            details={"field": "mode"},
        )
    if reading_id is not None:
        reading = Reading.objects.filter(public_id=reading_id).first()
        if reading is None:
            raise ServiceError(
                ErrorCode.NOT_FOUND, message="풀이를 찾을 수 없습니다. 풀이 ID를 확인해 주세요."
            )
        facts, sections = _material_from_reading(reading)
        title = (
            DAILY_TITLE
            if reading.kind == Kind.DAILY.value
            else TOPIC_TITLES.get(reading.topic, TOPIC_TITLES["general"])
        )
        return Chat.objects.create(
            user_id=user_id,
            title=title,
            mode=mode,
            topic=reading.topic,
            source_reading=reading,
            fingerprint=reading.fingerprint,
            facts=facts,
            sections=sections,
            reference_date=timezone.localdate(reading.created_at),
        )
    assert birth is not None  # noqa: S101 -- checked above
    reference = kst_today()
    computed = chart_compute(birth=birth, reference_date=reference)
    facts = prompt_facts(computed.chart, computed.analysis, Kind.SAJU, reference)
    reading_sections = build_reading(computed.chart, computed.analysis, reference=reference).sections
    return Chat.objects.create(
        user_id=user_id,
        title=TOPIC_TITLES["general"],
        mode=mode,
        topic="general",
        fingerprint=chart_fingerprint(computed.birth.to_mapping()),
        facts=facts,
        sections=[{"key": s.key, "title": s.title, "body": s.body} for s in reading_sections],
        reference_date=reference,
    )


def chat_delete(*, user_id: int, public_id: str) -> None:
    chat_get(user_id=user_id, public_id=public_id).delete()


# --- one turn ----------------------------------------------------------------------------------------------
def _store_question(*, chat: Chat, content: str, topics: list[str], flags: list[str]) -> str:
    message = ChatMessage.objects.create(
        chat=chat, user_id=chat.user_id, role=Role.USER, content=content, topics=topics, flags=flags
    )
    Chat.objects.filter(pk=chat.pk).update(updated_at=timezone.now())
    return str(message.public_id)


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as it is recorded (the columns of its ChatMessage besides chat, user and role)."""

    content: str
    note: str
    source: AnswerSource
    provider: str
    model: str
    grounded: bool = True
    notices: tuple[str, ...] = ()
    prompt_tokens: int = 0
    completion_tokens: int = 0


def _store_answer(*, chat_pk: int, user_id: int, answer: StoredAnswer) -> str:
    message = ChatMessage.objects.create(
        chat_id=chat_pk,
        user_id=user_id,
        role=Role.ASSISTANT,
        content=answer.content,
        note=answer.note,
        source=answer.source,
        provider=answer.provider,
        model=answer.model,
        grounded=answer.grounded,
        notices=list(answer.notices),
        prompt_tokens=answer.prompt_tokens,
        completion_tokens=answer.completion_tokens,
    )
    Chat.objects.filter(pk=chat_pk).update(updated_at=timezone.now())
    return str(message.public_id)


@dataclass(slots=True)
class ChatTurn:
    request_id: str
    chat_id: str
    chat_pk: int
    user_id: int
    mode: str
    question: str
    topics: list[str]
    flags: list[Flag]
    sections: list[dict[str, Any]]
    truth: GroundTruth | None
    context: ChatContext | None
    question_id: str | None
    rate: RateDecision | None = None
    notices: list[StreamEvent] = field(default_factory=list)

    @property
    def crisis(self) -> bool:
        return Flag.CRISIS in self.flags

    @property
    def referrals(self) -> list[str]:
        return [REFERRALS[flag] for flag in self.flags if flag in REFERRALS]

    def meta(self) -> dict[str, Any]:
        context = self.context
        return {
            "request_id": self.request_id,
            "chat_id": self.chat_id,
            "question_id": self.question_id,
            "flags": [flag.value for flag in self.flags],
            "topics": self.topics,
            "context": None
            if context is None
            else {
                "tokens": context.tokens,
                "turns_shown": context.turns_shown,
                "turns_folded": context.turns_folded,
            },
        }

    async def events(self) -> AsyncGenerator[StreamEvent | None, None]:
        yield StreamEvent.make(EventName.META, self.meta())
        for notice in self.notices:
            yield notice
        if self.crisis:
            async for event in self._crisis():
                yield event
            return
        async with contextlib.aclosing(slotted_events(self._answer(), request_id=self.request_id)) as events:
            async for event in events:
                yield event

    async def _crisis(self) -> AsyncGenerator[StreamEvent | None, None]:
        metrics.CHAT_ANSWERS.labels("safety").inc()
        yield _notice(CRISIS_NOTICE)
        yield delta_event(CRISIS_ANSWER)
        message_id = await self._store(
            StoredAnswer(
                content=CRISIS_ANSWER,
                note=CRISIS_NOTE,
                source=AnswerSource.SAFETY,
                provider="builtin",
                model="safety",
            )
        )
        yield self._done(message_id, SAFETY_BY, {"prompt_tokens": 0, "completion_tokens": 0})

    async def _answer(self) -> AsyncGenerator[StreamEvent | None, None]:
        if self.referrals:
            yield _notice(
                PROFESSIONAL_NOTICE, details={"flags": [f.value for f in self.flags if f in REFERRALS]}
            )
        providers = configured_providers()
        if not providers:
            async for event in self._builtin():
                yield event
            return
        assert self.context is not None  # noqa: S101 -- built for every non-crisis turn
        relay = ProviderRelay(
            providers,
            self.context.messages,
            max_tokens=settings.CHAT_ANSWER_MAX_TOKENS,
            coalesce_ms=settings.READINGS_COALESCE_MS,
            truth=self.truth,
            keepalive_seconds=settings.READINGS_KEEPALIVE_SECONDS,
        )
        async for event in relay.events():
            # A cut answer's error event carries this turn's request id.
            yield with_request_id(event, self.request_id) if relay.cut and event is not None else event
        if relay.answer is not None:
            async for event in self._finish(relay.answer):
                yield event
        elif relay.failure is not None:
            async for event in self._fallback(relay.failure.code, retry_after=relay.failure.retry_after):
                yield event

    async def _fallback(
        self, code: ErrorCode, *, retry_after: float | None = None
    ) -> AsyncGenerator[StreamEvent | None, None]:
        # The operators' console switch (its environment default otherwise), as for the readings.
        if not switch_get("readings.fallback_builtin"):
            yield error_event(code, request_id=self.request_id, retry_after=retry_after)
            return
        yield _notice(code.name)
        async for event in self._builtin():
            yield event

    async def _builtin(self) -> AsyncGenerator[StreamEvent | None, None]:
        answer = builtin_answer(question=self.question, sections=self.sections, mode=self.mode)
        text = self._with_referrals(answer.text)
        for start in range(0, len(text), BUILTIN_PIECE_CHARS):
            yield delta_event(text[start : start + BUILTIN_PIECE_CHARS])
        if answer.answered:
            note = f"기본 풀이의 {', '.join(answer.section_titles)} 내용으로 답함"
        else:
            note = "기본 풀이로는 답할 수 없다고 안내함"
        metrics.CHAT_ANSWERS.labels("rules").inc()
        model = builtin.model_id()
        message_id = await self._store(
            StoredAnswer(
                content=text,
                note=self._note(note),
                source=AnswerSource.RULES,
                provider="builtin",
                model=model,
            )
        )
        by = generated_by(GeneratedBy.RULES, provider="builtin", model=model)
        yield self._done(message_id, by, {"prompt_tokens": 0, "completion_tokens": 0})

    async def _finish(self, answer: RelayAnswer) -> AsyncGenerator[StreamEvent | None, None]:
        provider = answer.provider
        findings = answer.findings
        notices: list[str] = []
        if findings:
            metrics.CHAT_GROUNDING_FAILURES.inc()
            logger.warning("chat answer contradicts the chart: %s", [f.as_dict() for f in findings])
            notices.append(GROUNDING_NOTICE)
            yield _notice(GROUNDING_NOTICE, details={"findings": [f.as_dict() for f in findings]})
        text = answer.text
        block = self._with_referrals("").strip()
        suffix = ""
        if block:
            suffix = ("" if text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n") + block
            yield delta_event(suffix)
        labels = ", ".join(self.topics) or "일반"
        note = (
            "답변에 명식과 맞지 않는 내용이 있어 무효로 함"
            if findings
            else self._note(f"AI가 {labels} 관점에서 답함")
        )
        metrics.CHAT_ANSWERS.labels("ai").inc()
        message_id = await self._store(
            StoredAnswer(
                content=text + suffix,
                note=note,
                source=AnswerSource.AI,
                provider=provider.name,
                model=provider.model,
                grounded=not findings,
                notices=tuple(notices),
                prompt_tokens=answer.prompt_tokens,
                completion_tokens=answer.completion_tokens,
            )
        )
        by = generated_by(GeneratedBy.AI, provider=provider.name, model=provider.model)
        yield self._done(message_id, by, answer.usage)

    def _with_referrals(self, text: str) -> str:
        referrals = self.referrals
        return text if not referrals else text.rstrip() + "\n\n" + "\n".join(f"> {r}" for r in referrals)

    def _note(self, note: str) -> str:
        return note + (", 전문가 상담을 권함" if self.referrals else "")

    def _done(self, message_id: str | None, by: Mapping[str, Any], usage: dict[str, int]) -> StreamEvent:
        return StreamEvent.make(
            EventName.DONE,
            {
                "message_id": message_id,
                "generated_by": dict(by),
                "usage": usage,
                "stored": message_id is not None,
            },
        )

    async def _store(self, answer: StoredAnswer) -> str | None:
        try:
            return await db_call(_store_answer, chat_pk=self.chat_pk, user_id=self.user_id, answer=answer)
        except Exception:
            # The user already has the answer; only the record of it is lost.
            logger.exception("storing a chat answer failed")
            return None


def _validated_question(content: str) -> str:
    question = content.strip()
    limit = int(settings.CHAT_MESSAGE_MAX_CHARS)
    if not question:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message="질문을 입력해 주세요.", details={"field": "content"}
        )
    if len(question) > limit:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR,
            message=f"질문은 {limit}자 이내로 입력해 주세요.",
            details={"field": "content", "max_chars": limit},
        )
    return question


async def _history(chat_pk: int) -> tuple[list[dict[str, Any]], bool]:
    try:
        rows = await db_call(
            chat_history_rows, chat_id=chat_pk, limit=int(settings.CHAT_HISTORY_LOAD_MESSAGES)
        )
    except Exception:
        # Seed 003 #5: a history failure must never break the answer; answer from this question alone.
        logger.exception("chat history could not be read; answering without it")
        metrics.CHAT_HISTORY_FAILURES.inc()
        return [], False
    return rows, True


async def chat_turn_open(*, user: UserLike, chat_id: str, content: str, request_id: str) -> ChatTurn:
    """Everything before the first streamed byte of an answer (see the module docstring)."""
    question = _validated_question(content)
    user_id = int(user.pk)
    try:
        chat = await db_call(chat_get, user_id=user_id, public_id=chat_id)
        if await db_call(chat_message_count, chat_id=chat.pk) >= int(settings.CHAT_MAX_MESSAGES_PER_CHAT):
            raise ServiceError(
                ErrorCode.VALIDATION_ERROR,
                message="이 상담은 대화가 너무 길어졌어요. 새 상담을 시작해 주세요.",
                details={"max_messages": int(settings.CHAT_MAX_MESSAGES_PER_CHAT)},
            )
        flags = message_flags(question)
        topics = question_topics(normalized(question))
        for flag in flags:
            metrics.CHAT_SAFETY_FLAGS.labels(flag.value).inc()
        rows, history_ok = await _history(chat.pk)
        turn = ChatTurn(
            request_id=request_id,
            chat_id=chat.public_id,
            chat_pk=chat.pk,
            user_id=user_id,
            mode=chat.mode,
            question=question,
            topics=topics,
            flags=flags,
            sections=list(chat.sections) if isinstance(chat.sections, list) else [],
            truth=truth_from_facts(chat.facts) if isinstance(chat.facts, dict) else None,
            context=None,
            question_id=None,
        )
        if not history_ok:
            turn.notices.append(_notice(HISTORY_NOTICE))
        if not turn.crisis:
            # A crisis message is answered whatever the limits say; everything else is charged like a reading.
            if not user.is_staff:
                decision = await rate_limit_check(subject=f"user:{user_id}", anonymous=False)
                turn.rate = decision
                if not decision.allowed:
                    raise ServiceError(
                        ErrorCode.RATE_LIMITED,
                        details={
                            "limit": decision.limit,
                            "remaining": decision.remaining,
                            "window": decision.window,
                        },
                        retry_after=decision.reset_after,
                        headers=decision.headers(),
                    )
            if open_streams() >= int(settings.AI_MAX_STREAMS_PER_WORKER):
                raise stream_cap_error()
            turn.context = build_context(
                prompt=chat_prompt(chat.mode),
                facts=chat.facts if isinstance(chat.facts, dict) else {},
                turns=turns_from_rows(rows),
                question=question,
                flags=flags,
                budget=Budget(
                    tokens=int(settings.CHAT_CONTEXT_TOKEN_BUDGET),
                    recent_turns=int(settings.CHAT_RECENT_TURNS),
                    question_chars=int(settings.CHAT_EARLIER_QUESTION_CHARS),
                ),
            )
        try:
            turn.question_id = await db_call(
                _store_question, chat=chat, content=question, topics=topics, flags=[f.value for f in flags]
            )
        except Exception:
            logger.exception("storing a chat question failed; answering anyway")
        return turn
    finally:
        await release_request_connection()
