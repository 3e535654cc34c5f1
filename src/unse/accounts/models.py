"""Accounts and the personal space: the user, profiles, consents, outbox, favourites, API keys, activity.

E-mail uniqueness is conditional (only among live accounts) so that a deleted (anonymized) account
never holds an address hostage; `public_id` is what URLs and exports show instead of the pk.
Every personal object has its own random `public_id`: sequential primary keys never leave the server.
"""

from __future__ import annotations

import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from unse.accounts.crypto import EncryptedJSONField, EncryptedTextField
from unse.core.birth_form import BIRTHPLACE_KEY as BIRTHPLACE_KEY  # re-exported: the birthplace key

# 24 random bytes → 32 URL-safe characters: unguessable, and never derived from the sequential pk.
SHARE_TOKEN_BYTES = 24


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("이메일", blank=True)
    deleted_at = models.DateTimeField("탈퇴 시각", null=True, blank=True)
    last_seen_at = models.DateTimeField("최근 방문", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "사용자"
        verbose_name_plural = "사용자"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(email=""),
                name="accounts_user_live_email_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.username


class Relation(models.TextChoices):
    SELF = "self", "본인"
    FAMILY = "family", "가족"
    PARTNER = "partner", "연인·배우자"
    FRIEND = "friend", "친구"
    OTHER = "other", "기타"


class Profile(models.Model):
    """One person whose chart the user keeps; birth data is one encrypted JSON document."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profiles")
    label = models.CharField("이름(별칭)", max_length=40)
    relation = models.CharField("관계", max_length=16, choices=Relation.choices, default=Relation.SELF)
    # The engine's normalized birth mapping (saju.birth.BirthInput.to_mapping()) plus "birthplace".
    birth = EncryptedJSONField("출생 정보(암호화)")
    is_default = models.BooleanField("기본 프로필", default=False)
    daily_fortune = models.BooleanField("오늘의 운세 받기", default=False)
    created_at = models.DateTimeField("생성", auto_now_add=True)
    updated_at = models.DateTimeField("수정", auto_now=True)

    class Meta:
        verbose_name = "프로필"
        verbose_name_plural = "프로필"
        ordering = ("-is_default", "created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("user",),
                condition=models.Q(is_default=True),
                name="accounts_profile_one_default_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ConsentKind(models.TextChoices):
    PRIVACY_REQUIRED = "privacy_required", "개인정보 수집·이용 동의(필수)"
    AGE_14_OR_OVER = "age_14_or_over", "만 14세 이상 확인"
    GUARDIAN = "guardian", "법정대리인 동의"
    OVERSEAS_AI = "overseas_ai", "AI 풀이를 위한 국외 이전 동의(선택)"


class ConsentRecord(models.Model):
    """Proof of what the user agreed to, which version, and when (개인정보보호법 제22조)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField("종류", max_length=32, choices=ConsentKind.choices)
    policy_version = models.CharField("방침 버전", max_length=32)
    granted_at = models.DateTimeField("동의 시각", auto_now_add=True)
    withdrawn_at = models.DateTimeField("철회 시각", null=True, blank=True)

    class Meta:
        verbose_name = "동의 기록"
        verbose_name_plural = "동의 기록"
        ordering = ("granted_at", "id")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.policy_version}"


class GuardianConsent(models.Model):
    """Sign-up of a child under 14: the account stays locked until the guardian confirms by e-mail."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="guardian_consent")
    guardian_name = EncryptedTextField("법정대리인 이름(암호화)")
    guardian_email = EncryptedTextField("법정대리인 이메일(암호화)")
    # Only the SHA-256 of the e-mailed token is stored: a database reader cannot confirm on the guardian's behalf.
    token_hash = models.CharField("확인 토큰 해시", max_length=64, unique=True)
    requested_at = models.DateTimeField("요청 시각", auto_now_add=True)
    confirmed_at = models.DateTimeField("동의 시각", null=True, blank=True)

    class Meta:
        verbose_name = "법정대리인 동의"
        verbose_name_plural = "법정대리인 동의"

    def __str__(self) -> str:
        return f"guardian of {self.user_id}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "대기"
    SENDING = "sending", "보내는 중"
    SENT = "sent", "보냄"
    FAILED = "failed", "포기"


class EmailOutbox(models.Model):
    """Transactional outbox: written in the same transaction as the change that needs the mail."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox")
    template = models.CharField("템플릿", max_length=120)
    to_email = models.EmailField("받는 사람")
    subject = models.CharField("제목", max_length=250)
    # Fernet tokens (services/outbox.py): the bodies carry live verification, reset and guardian-consent
    # links, so they are encrypted at rest, never shown in the admin, and blanked once sent or failed for good.
    body_text = models.TextField("본문")
    body_html = models.TextField("HTML 본문", blank=True)
    status = models.CharField(
        "상태", max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("시도 횟수", default=0)
    next_attempt_at = models.DateTimeField("다음 시도", db_index=True)
    last_error = models.CharField("마지막 오류", max_length=300, blank=True)
    created_at = models.DateTimeField("생성", auto_now_add=True)
    sent_at = models.DateTimeField("보낸 시각", null=True, blank=True)

    class Meta:
        verbose_name = "메일 발송함"
        verbose_name_plural = "메일 발송함"
        indexes = [models.Index(fields=("status", "next_attempt_at"), name="accounts_outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to_email} ({self.status})"


class Colour(models.TextChoices):
    RED = "red", "빨강"
    ORANGE = "orange", "주황"
    YELLOW = "yellow", "노랑"
    GREEN = "green", "초록"
    BLUE = "blue", "파랑"
    PURPLE = "purple", "보라"
    GREY = "grey", "회색"


class FavouriteDate(models.Model):
    """즐겨찾기 날짜: a date the user cares about, shown with its D-day and 일진."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="favourite_dates")
    day = models.DateField("날짜")
    label = models.CharField("이름", max_length=60)
    memo = models.TextField("메모", blank=True, max_length=1000)
    colour = models.CharField("색", max_length=16, choices=Colour.choices, default=Colour.BLUE)
    created_at = models.DateTimeField("생성", auto_now_add=True)

    class Meta:
        verbose_name = "즐겨찾기 날짜"
        verbose_name_plural = "즐겨찾기 날짜"
        ordering = ("day", "id")

    def __str__(self) -> str:
        return f"{self.day} {self.label}"


class PersonalApiKey(models.Model):
    """The user's own LLM key (OpenAI-compatible); stored encrypted, shown only as its last characters."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="personal_api_key")
    key = EncryptedTextField("API 키(암호화)")
    base_url = models.URLField("API 주소", blank=True)
    model = models.CharField("모델", max_length=100, blank=True)
    last_four = models.CharField("끝 네 자리", max_length=4)
    created_at = models.DateTimeField("등록", auto_now_add=True)
    updated_at = models.DateTimeField("수정", auto_now=True)

    class Meta:
        verbose_name = "개인 API 키"
        verbose_name_plural = "개인 API 키"

    def __str__(self) -> str:
        return f"…{self.last_four}"


class ActivityKind(models.TextChoices):
    READING_CREATED = "reading_created", "사주 풀이"
    DAILY_VIEWED = "daily_viewed", "오늘의 운세 보기"
    READING_SAVED = "reading_saved", "보관함 저장"
    SHARE_CREATED = "share_created", "공유 링크 만들기"
    PROFILE_CREATED = "profile_created", "프로필 추가"
    EXPORTED = "exported", "내 정보 내려받기"


class ActivityEvent(models.Model):
    """The user's own activity, for their statistics page; deleted with the account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField("종류", max_length=32, choices=ActivityKind.choices)
    created_at = models.DateTimeField("시각", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "활동 기록"
        verbose_name_plural = "활동 기록"
        indexes = [models.Index(fields=("user", "kind"), name="accounts_activity_user_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class AdminAccessLog(models.Model):
    """Who on the staff looked at or changed which personal record, and when."""

    staff = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    staff_username = models.CharField("관리자", max_length=150)
    action = models.CharField("행위", max_length=16)
    model_label = models.CharField("모델", max_length=100)
    object_id = models.CharField("객체 ID", max_length=64, blank=True)
    path = models.CharField("경로", max_length=300)
    created_at = models.DateTimeField("시각", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "관리자 열람 기록"
        verbose_name_plural = "관리자 열람 기록"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.staff_username} {self.action} {self.model_label}:{self.object_id}"


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


class SavedReading(models.Model):
    """보관함: the user's copy of a reading. Pillars are stored only here, when the user saves."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_readings")
    # The cached reading may be evicted later; the saved copy keeps its own text.
    reading = models.ForeignKey(
        "readings.Reading", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    profile = models.ForeignKey(
        Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="saved_readings"
    )
    title = models.CharField("제목", max_length=80)
    kind = models.CharField("종류", max_length=16)
    topic = models.CharField("주제", max_length=16, blank=True)
    fingerprint = models.CharField("명식 지문(HMAC)", max_length=64, db_index=True)
    pillars = models.JSONField("사주 기둥", default=dict)
    text = models.TextField("풀이(Markdown, 정제됨)")
    generated_by = models.CharField("생성 방식", max_length=8)
    memo = models.TextField("메모", blank=True, max_length=1000)
    created_at = models.DateTimeField("저장 시각", auto_now_add=True)

    class Meta:
        verbose_name = "보관한 풀이"
        verbose_name_plural = "보관한 풀이"
        indexes = [models.Index(fields=("user", "-created_at", "-id"), name="accounts_saved_user_newest")]

    def __str__(self) -> str:
        return self.title


class Share(models.Model):
    """A revocable link to one saved reading; the token is random, the management id is separate."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token = models.CharField("공유 토큰", max_length=64, unique=True, default=new_share_token, editable=False)
    saved = models.ForeignKey(SavedReading, on_delete=models.CASCADE, related_name="shares")
    include_birth = models.BooleanField("출생 정보 함께 보이기", default=False)
    created_at = models.DateTimeField("생성", auto_now_add=True)
    revoked_at = models.DateTimeField("끊은 시각", null=True, blank=True)
    view_count = models.PositiveIntegerField("열람 수", default=0)

    class Meta:
        verbose_name = "공유 링크"
        verbose_name_plural = "공유 링크"

    def __str__(self) -> str:
        return f"share of {self.saved_id}"
