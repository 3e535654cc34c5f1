"""Counting outcomes of a batch and the summary shown on the terminal, in the webhook and stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import Any

QUOTA_CAUSE = "AI_QUOTA"


def quota_message(users: int) -> str:
    """What the operator reads when the daily token budget stopped the batch (summary, webhook, failure rows)."""
    return (
        f"하루 AI 토큰 예산(AI_DAILY_TOKEN_BUDGET)이 소진되어 {users:,}명의 운세를 만들지 못했습니다. "
        "예산은 대상 수 × 1인당 토큰(요약의 토큰 ÷ 생성 수) + 웹 사용량보다 커야 합니다. "
        "예산을 늘린 뒤 다시 실행하면 남은 사용자만 생성합니다."
    )


class Outcome(Enum):
    GENERATED = "generated"
    SKIPPED = "skipped"
    WOULD_GENERATE = "would_generate"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class UserResult:
    user_id: int
    outcome: Outcome
    cause: str = ""
    message: str = ""
    attempts: int = 1
    tokens: int = 0
    ai_calls: int = 0  # provider calls this user's generation led (0 when it shared another's class text)
    fallbacks: int = 0  # attempts answered by the built-in reading instead of the AI (then retried)
    class_key: str = ""  # the daily class (signature) a dry run would generate for this user

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)


@dataclass(slots=True)
class BatchCounters:
    """Mutable tally of one running batch (only the engine's event loop touches it)."""

    done: int = 0
    skipped: int = 0
    would_generate: int = 0
    failed: int = 0
    tokens: int = 0
    ai_calls: int = 0
    retries: int = 0
    fallbacks: int = 0
    causes: Counter[str] = field(default_factory=Counter)
    # Dry run: the distinct daily classes that would be generated (a real run counts its AI calls instead).
    classes: set[str] = field(default_factory=set)

    @property
    def processed(self) -> int:
        return self.done + self.skipped + self.would_generate + self.failed

    def snapshot(self) -> dict[str, Any]:
        """Plain data (sent between the processes of one run)."""
        return {
            "done": self.done,
            "skipped": self.skipped,
            "would_generate": self.would_generate,
            "failed": self.failed,
            "tokens": self.tokens,
            "ai_calls": self.ai_calls,
            "retries": self.retries,
            "fallbacks": self.fallbacks,
            "causes": dict(self.causes),
            "classes": sorted(self.classes),
        }

    @classmethod
    def merged(cls, parts: Iterable[BatchCounters | dict[str, Any]]) -> BatchCounters:
        """One tally of several processes' tallies (counters or their snapshots)."""
        total = cls()
        for part in parts:
            data = part.snapshot() if isinstance(part, BatchCounters) else part
            total.done += data["done"]
            total.skipped += data["skipped"]
            total.would_generate += data["would_generate"]
            total.failed += data["failed"]
            total.tokens += data["tokens"]
            total.ai_calls += data.get("ai_calls", 0)
            total.retries += data.get("retries", 0)
            total.fallbacks += data.get("fallbacks", 0)
            total.causes.update(data["causes"])
            total.classes.update(data.get("classes", ()))
        return total

    def add(self, result: UserResult) -> None:
        self.tokens += result.tokens
        self.ai_calls += result.ai_calls
        self.retries += result.retries
        self.fallbacks += result.fallbacks
        if result.class_key:
            self.classes.add(result.class_key)
        if result.outcome is Outcome.GENERATED:
            self.done += 1
        elif result.outcome is Outcome.SKIPPED:
            self.skipped += 1
        elif result.outcome is Outcome.WOULD_GENERATE:
            self.would_generate += 1
        else:
            self.failed += 1
            self.causes[result.cause] += 1


@dataclass(frozen=True, slots=True)
class BatchSummary:
    target_date: date
    dry_run: bool
    targets: int
    done: int
    skipped: int
    would_generate: int
    failed: int
    failures_by_cause: MappingProxyType[str, int]
    tokens: int
    elapsed_seconds: float
    max_failure_share: float
    ai_calls: int = 0
    retries: int = 0
    fallbacks: int = 0
    classes: int = 0  # dry run: distinct daily classes (day signatures) to generate
    tokens_per_call: int = 0  # the estimate a dry run multiplies the classes by
    # Earlier runs this run found without a heartbeat and marked INTERRUPTED (runs.batch_runs_mark_stale).
    interrupted_runs: tuple[int, ...] = ()

    @classmethod
    def from_counters(
        cls,
        counters: BatchCounters,
        *,
        target_date: date,
        dry_run: bool,
        elapsed_seconds: float,
        max_failure_share: float,
        interrupted_runs: tuple[int, ...] = (),
        tokens_per_call: int = 0,
        classes: int | None = None,
    ) -> BatchSummary:
        return cls(
            target_date=target_date,
            dry_run=dry_run,
            targets=counters.processed,
            done=counters.done,
            skipped=counters.skipped,
            would_generate=counters.would_generate,
            failed=counters.failed,
            failures_by_cause=MappingProxyType(dict(sorted(counters.causes.items()))),
            tokens=counters.tokens,
            elapsed_seconds=elapsed_seconds,
            max_failure_share=max_failure_share,
            ai_calls=counters.ai_calls,
            retries=counters.retries,
            fallbacks=counters.fallbacks,
            classes=len(counters.classes) if classes is None else classes,
            tokens_per_call=tokens_per_call,
            interrupted_runs=interrupted_runs,
        )

    @property
    def estimated_tokens(self) -> int:
        """Dry run: what generating the classes would cost (classes × the per-call estimate)."""
        return self.classes * self.tokens_per_call

    @property
    def rate_per_second(self) -> float:
        return self.targets / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    @property
    def failure_share(self) -> float:
        return self.failed / self.targets if self.targets else 0.0

    @property
    def ok(self) -> bool:
        return self.failure_share <= self.max_failure_share

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_date": self.target_date.isoformat(),
            "dry_run": self.dry_run,
            "targets": self.targets,
            "done": self.done,
            "skipped": self.skipped,
            "would_generate": self.would_generate,
            "failed": self.failed,
            "failures_by_cause": dict(self.failures_by_cause),
            "tokens": self.tokens,
            "ai_calls": self.ai_calls,
            "retries": self.retries,
            "fallbacks": self.fallbacks,
            "classes": self.classes,
            "estimated_tokens": self.estimated_tokens,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "rate_per_second": round(self.rate_per_second, 2),
            "failure_share": round(self.failure_share, 4),
            "ok": self.ok,
            "interrupted_runs": list(self.interrupted_runs),
        }

    def to_text(self) -> str:
        head = "[시험 실행] " if self.dry_run else ""
        verdict = "정상" if self.ok else f"실패율 초과 (허용 {self.max_failure_share:.0%})"
        lines = [
            f"{head}{self.target_date.isoformat()} 운세 배치 — {verdict}",
            f"대상 {self.targets:,}명 · 생성 {self.done:,} · 건너뜀 {self.skipped:,} · 실패 {self.failed:,}",
        ]
        if self.dry_run:
            lines.append(
                f"생성 예정 {self.would_generate:,}명 · 서로 다른 오늘의 유형(일진 서명) {self.classes:,}개"
                f" · 예상 토큰 약 {self.estimated_tokens:,} (AI 호출과 저장은 하지 않았습니다)"
            )
        else:
            lines.append(
                f"AI 호출 {self.ai_calls:,}회 · 재시도 {self.retries:,}회 · 기본 풀이로 대체 {self.fallbacks:,}회"
            )
        if self.failures_by_cause:
            causes = ", ".join(f"{cause} {count:,}" for cause, count in self.failures_by_cause.items())
            lines.append(f"실패 원인: {causes}")
        if quota := self.failures_by_cause.get(QUOTA_CAUSE):
            lines.append(quota_message(quota))
        if self.interrupted_runs:
            ids = ", ".join(f"#{run_id}" for run_id in self.interrupted_runs)
            lines.append(f"신호가 끊긴 이전 실행 {ids} 을(를) '중단됨(응답 없음)'으로 표시했습니다.")
        lines.append(
            f"처리율 {self.rate_per_second:,.1f}명/초 · 소요 {self.elapsed_seconds:,.1f}초 · 토큰 {self.tokens:,}"
        )
        return "\n".join(lines)
