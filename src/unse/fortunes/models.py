"""Batch-run records of the nightly daily-fortune generation.

The fortune text itself is NOT stored here: a daily fortune is the readings pipeline's `daily` reading
for (chart fingerprint, KST date, prompt version), unique in the readings table. This app only keeps
what operators need: one row per run (summary numbers) and one row per failed user (cause).
"""

from __future__ import annotations

from django.db import models


class BatchSource(models.TextChoices):
    COMMAND = "command", "관리 명령"
    CELERY = "celery", "Celery"


class BatchStatus(models.TextChoices):
    RUNNING = "running", "진행 중"
    SUCCEEDED = "succeeded", "성공"
    FAILED = "failed", "실패율 초과"
    CRASHED = "crashed", "중단됨"
    # No heartbeat for DAILY_FORTUNE_STALE_SECONDS (kill -9, lost machine): marked by the next run.
    INTERRUPTED = "interrupted", "중단됨(응답 없음)"


class BatchRun(models.Model):
    source = models.CharField("실행 방식", max_length=16, choices=BatchSource.choices)
    status = models.CharField("상태", max_length=16, choices=BatchStatus.choices, default=BatchStatus.RUNNING)
    base_date = models.DateField("기준일")
    target_date = models.DateField("운세 날짜", db_index=True)
    dry_run = models.BooleanField("시험 실행", default=False)
    force = models.BooleanField("강제 재생성", default=False)
    options = models.JSONField("옵션", default=dict, blank=True)
    started_at = models.DateTimeField("시작", auto_now_add=True)
    finished_at = models.DateTimeField("종료", null=True, blank=True)
    # Written every DAILY_FORTUNE_HEARTBEAT_SECONDS by a running command (and per Celery chunk); a
    # running row whose heartbeat is too old belongs to a process that died without a word.
    heartbeat_at = models.DateTimeField("마지막 신호", null=True, blank=True)
    targets = models.PositiveIntegerField("대상", default=0)
    done = models.PositiveIntegerField("생성", default=0)
    skipped = models.PositiveIntegerField("건너뜀", default=0)
    failed = models.PositiveIntegerField("실패", default=0)
    failures_by_cause = models.JSONField("실패 원인별", default=dict, blank=True)
    tokens_used = models.PositiveBigIntegerField("사용 토큰", default=0)
    # Provider calls (one per daily class generated, not per user), retries and built-in fallbacks.
    ai_calls = models.PositiveIntegerField("AI 호출", default=0, db_default=0)
    retries = models.PositiveIntegerField("재시도", default=0, db_default=0)
    fallbacks = models.PositiveIntegerField("기본 풀이 대체", default=0, db_default=0)
    # Dry run: distinct daily classes (day signatures) the run would generate.
    classes = models.PositiveIntegerField("생성할 유형 수", default=0, db_default=0)
    elapsed_seconds = models.FloatField("소요 시간(초)", default=0.0)
    rate_per_second = models.FloatField("처리율(명/초)", default=0.0)

    class Meta:
        verbose_name = "운세 배치 실행"
        verbose_name_plural = "운세 배치 실행"
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{self.target_date} ({self.get_source_display()}, {self.get_status_display()})"


class BatchChunk(models.Model):
    """One Celery chunk (an id range of targets); `finished_at` makes adding its tally idempotent."""

    run = models.ForeignKey(BatchRun, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField("첫 사용자 ID")
    last_id = models.BigIntegerField("마지막 사용자 ID")
    finished_at = models.DateTimeField("완료", null=True, blank=True)

    class Meta:
        verbose_name = "운세 배치 묶음"
        verbose_name_plural = "운세 배치 묶음"
        constraints = [
            models.UniqueConstraint(fields=("run", "first_id"), name="fortunes_batchchunk_run_first_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}..{self.last_id}"


class BatchFailure(models.Model):
    """The last recorded failure of one user in one run (a rerun of a chunk updates, never duplicates)."""

    run = models.ForeignKey(BatchRun, on_delete=models.CASCADE, related_name="failures")
    user_id = models.BigIntegerField("사용자 ID")
    cause = models.CharField("원인", max_length=40)
    message = models.TextField("내용", blank=True)
    attempts = models.PositiveSmallIntegerField("시도 횟수", default=1)
    created_at = models.DateTimeField("기록", auto_now=True)

    class Meta:
        verbose_name = "운세 배치 실패"
        verbose_name_plural = "운세 배치 실패"
        constraints = [
            models.UniqueConstraint(fields=("run", "user_id"), name="fortunes_batchfailure_run_user_unique"),
        ]

    def __str__(self) -> str:
        return f"user {self.user_id}: {self.cause}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "이메일"
    PUSH = "push", "푸시"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "보내는 중"
    SENT = "sent", "보냄"
    FAILED = "failed", "실패"


class FortuneDelivery(models.Model):
    """At most one morning delivery per user, day and channel (a redelivered task never mails twice)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="fortune_deliveries")
    day = models.DateField("운세 날짜")
    channel = models.CharField("채널", max_length=16, choices=DeliveryChannel.choices)
    status = models.CharField(
        "상태", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    error = models.CharField("오류", max_length=200, blank=True)
    created_at = models.DateTimeField("생성", auto_now_add=True)
    sent_at = models.DateTimeField("보낸 시각", null=True, blank=True)

    class Meta:
        verbose_name = "운세 발송"
        verbose_name_plural = "운세 발송"
        constraints = [
            models.UniqueConstraint(
                fields=("user", "day", "channel"), name="fortunes_delivery_user_day_channel_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.channel}"
