"""Writes of the accounts part: keyword-only, typed, one transaction each where it matters.

Every function that takes a `user` acts only on that user's own rows; a foreign or unknown public id
raises ServiceError(NOT_FOUND) exactly like a missing one (no existence oracle).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from unse.accounts.models import (
    ActivityEvent,
    ActivityKind,
    AdminAccessLog,
    Colour,
    ConsentKind,
    ConsentRecord,
    EmailOutbox,
    FavouriteDate,
    GuardianConsent,
    OutboxStatus,
    PersonalApiKey,
    Profile,
    Relation,
    SavedReading,
    Share,
    User,
)
from unse.core.errors import ErrorCode, ServiceError

if TYPE_CHECKING:
    from unse.accounts.forms import ConsentChoices

logger = logging.getLogger(__name__)

BIRTHPLACE_KEY = "birthplace"
MAX_PROFILES_PER_USER = 30
MAX_FAVOURITES_PER_USER = 200
OUTBOX_ERROR_MAX_CHARS = 300
DELETED_USERNAME_PREFIX = "deleted-"


def _not_found() -> ServiceError:
    return ServiceError(ErrorCode.NOT_FOUND)


def _parse_public_id(public_id: str | uuid.UUID) -> uuid.UUID:
    if isinstance(public_id, uuid.UUID):
        return public_id
    try:
        return uuid.UUID(str(public_id))
    except ValueError as exc:
        raise _not_found() from exc


# --- e-mail outbox ------------------------------------------------------------------------------------


def outbox_enqueue(*, message: EmailMessage, template: str, user_id: int | None) -> EmailOutbox:
    """Store the mail in the caller's transaction; it is sent only if that transaction commits."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    body = str(message.body)
    if getattr(message, "content_subtype", "plain") == "html":
        html, body = body, ""
    rows = []
    for recipient in message.to:
        rows.append(
            EmailOutbox.objects.create(
                user_id=user_id,
                template=template[:120],
                to_email=recipient,
                subject=str(message.subject)[:250],
                body_text=body,
                body_html=html,
                next_attempt_at=timezone.now(),
            )
        )
    if settings.OUTBOX_DELIVER_ON_COMMIT:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _deliver_quietly(ids))
    return rows[0]


def _deliver_quietly(outbox_ids: list[int]) -> None:
    for outbox_id in outbox_ids:
        try:
            outbox_deliver(outbox_id=outbox_id)
        except Exception:  # the row stays due; `deliver_outbox` retries it
            logger.exception("outbox delivery after commit failed", extra={"outbox_id": outbox_id})


def _retry_delay(attempts: int) -> timedelta:
    seconds = min(settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0)), settings.OUTBOX_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def outbox_deliver(*, outbox_id: int) -> bool:
    """Claim one due row (atomic conditional UPDATE, safe across workers) and send it. True when sent."""
    now = timezone.now()
    claimed = EmailOutbox.objects.filter(
        pk=outbox_id,
        status__in=(OutboxStatus.PENDING, OutboxStatus.SENDING),
        next_attempt_at__lte=now,
    ).update(
        status=OutboxStatus.SENDING,
        attempts=models.F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
    )
    if not claimed:
        return False
    row = EmailOutbox.objects.get(pk=outbox_id)
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text or row.body_html,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
    )
    if row.body_html and row.body_text:
        message.attach_alternative(row.body_html, "text/html")
    elif row.body_html:
        message.content_subtype = "html"
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        EmailOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
            next_attempt_at=timezone.now() + _retry_delay(row.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:OUTBOX_ERROR_MAX_CHARS],
        )
        logger.warning("outbox delivery failed", extra={"outbox_id": row.pk, "attempts": row.attempts})
        return False
    EmailOutbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


@dataclass(frozen=True, slots=True)
class OutboxRun:
    due: int
    sent: int
    purged: int


def outbox_deliver_due(*, limit: int = 500) -> OutboxRun:
    now = timezone.now()
    due_ids = list(
        EmailOutbox.objects.filter(
            status__in=(OutboxStatus.PENDING, OutboxStatus.SENDING), next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for outbox_id in due_ids if outbox_deliver(outbox_id=outbox_id))
    cutoff = now - timedelta(days=settings.OUTBOX_SENT_RETENTION_DAYS)
    purged, _ = EmailOutbox.objects.filter(status=OutboxStatus.SENT, sent_at__lt=cutoff).delete()
    return OutboxRun(due=len(due_ids), sent=sent, purged=purged)


# --- consent and the age gate -------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def consent_record_signup(*, user: User, request: HttpRequest | None, choices: ConsentChoices) -> None:
    """Record the consents given on the sign-up form (same transaction as the user row)."""
    version = settings.PRIVACY_POLICY_VERSION
    ConsentRecord.objects.create(user=user, kind=ConsentKind.PRIVACY_REQUIRED, policy_version=version)
    if choices.overseas_ai:
        ConsentRecord.objects.create(user=user, kind=ConsentKind.OVERSEAS_AI, policy_version=version)
    if not choices.under_14:
        ConsentRecord.objects.create(user=user, kind=ConsentKind.AGE_14_OR_OVER, policy_version=version)
        return
    token = secrets.token_urlsafe(32)
    GuardianConsent.objects.create(
        user=user,
        guardian_name=choices.guardian_name,
        guardian_email=choices.guardian_email,
        token_hash=_token_hash(token),
    )
    base = request.build_absolute_uri("/") if request is not None else "/"
    context = {
        "guardian_name": choices.guardian_name,
        "child_email": user.email,
        "confirm_url": f"{base.rstrip('/')}/accounts/guardian/{token}/",
        "days": settings.GUARDIAN_CONSENT_DAYS,
    }
    subject = render_to_string("accounts/email/guardian_consent_subject.txt", context).strip()
    body = render_to_string("accounts/email/guardian_consent_message.txt", context)
    message = EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=[choices.guardian_email]
    )
    outbox_enqueue(message=message, template="accounts/email/guardian_consent", user_id=user.pk)


def guardian_consent_confirm(*, token: str) -> User:
    with transaction.atomic():
        consent = (
            GuardianConsent.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_token_hash(token), user__deleted_at__isnull=True)
            .first()
        )
        if consent is None:
            raise _not_found()
        expires = consent.requested_at + timedelta(days=settings.GUARDIAN_CONSENT_DAYS)
        if consent.confirmed_at is None:
            if timezone.now() > expires:
                raise ServiceError(
                    ErrorCode.NOT_FOUND, message="동의 요청 기간이 지났습니다. 다시 가입해 주세요."
                )
            consent.confirmed_at = timezone.now()
            consent.save(update_fields=["confirmed_at"])
            ConsentRecord.objects.create(
                user=consent.user, kind=ConsentKind.GUARDIAN, policy_version=settings.PRIVACY_POLICY_VERSION
            )
        return consent.user


# --- profiles -----------------------------------------------------------------------------------------


def birth_normalize(*, birth: Mapping[str, object]) -> dict[str, object]:
    """Validate through the engine and return its normalized mapping; bad input → VALIDATION_ERROR."""
    from saju.birth import BirthInput
    from saju.chart import chart_from_birth
    from saju.errors import SajuError

    try:
        parsed = BirthInput.from_mapping(birth)
        chart_from_birth(parsed)
    except SajuError as exc:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=exc.message, details={"engine_code": exc.code}
        ) from exc
    return dict(parsed.to_mapping())


def _profile_get_for_update(*, user: User, public_id: str | uuid.UUID) -> Profile:
    profile = Profile.objects.select_for_update().filter(user=user, public_id=_parse_public_id(public_id)).first()
    if profile is None:
        raise _not_found()
    return profile


def _make_default(*, user: User, profile: Profile) -> None:
    # Clear first: the partial unique index allows only one default per user at any instant.
    Profile.objects.filter(user=user, is_default=True).exclude(pk=profile.pk).update(is_default=False)
    if not profile.is_default:
        profile.is_default = True
        profile.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def profile_create(
    *,
    user: User,
    label: str,
    birth: Mapping[str, object],
    relation: str = Relation.SELF,
    birthplace: str = "",
    is_default: bool = False,
    daily_fortune: bool = False,
) -> Profile:
    if relation not in Relation.values:
        raise ServiceError(ErrorCode.VALIDATION_ERROR, details={"field": "relation"})
    label = label.strip()
    if not label:
        raise ServiceError(ErrorCode.VALIDATION_ERROR, message="이름(별칭)을 입력해 주세요.", details={"field": "label"})
    stored = birth_normalize(birth=birth)
    if birthplace.strip():
        stored[BIRTHPLACE_KEY] = birthplace.strip()[:60]
    # Lock the user's row so two concurrent creations cannot both become "the first" default.
    User.objects.select_for_update().filter(pk=user.pk).first()
    count = Profile.objects.filter(user=user).count()
    if count >= MAX_PROFILES_PER_USER:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=f"프로필은 {MAX_PROFILES_PER_USER}개까지 만들 수 있습니다."
        )
    profile = Profile.objects.create(
        user=user, label=label[:40], relation=relation, birth=stored, daily_fortune=daily_fortune
    )
    if is_default or count == 0:
        _make_default(user=user, profile=profile)
    ActivityEvent.objects.create(user=user, kind=ActivityKind.PROFILE_CREATED)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    public_id: str | uuid.UUID,
    label: str | None = None,
    relation: str | None = None,
    birth: Mapping[str, object] | None = None,
    birthplace: str | None = None,
    is_default: bool | None = None,
    daily_fortune: bool | None = None,
) -> Profile:
    profile = _profile_get_for_update(user=user, public_id=public_id)
    if label is not None:
        if not label.strip():
            raise ServiceError(ErrorCode.VALIDATION_ERROR, message="이름(별칭)을 입력해 주세요.", details={"field": "label"})
        profile.label = label.strip()[:40]
    if relation is not None:
        if relation not in Relation.values:
            raise ServiceError(ErrorCode.VALIDATION_ERROR, details={"field": "relation"})
        profile.relation = relation
    stored = dict(profile.birth)
    if birth is not None:
        place = stored.get(BIRTHPLACE_KEY)
        stored = birth_normalize(birth=birth)
        if place:
            stored[BIRTHPLACE_KEY] = place
    if birthplace is not None:
        stored.pop(BIRTHPLACE_KEY, None)
        if birthplace.strip():
            stored[BIRTHPLACE_KEY] = birthplace.strip()[:60]
    profile.birth = stored
    if daily_fortune is not None:
        profile.daily_fortune = daily_fortune
    profile.save()
    if is_default:
        _make_default(user=user, profile=profile)
    return profile


@transaction.atomic
def profile_set_default(*, user: User, public_id: str | uuid.UUID) -> Profile:
    profile = _profile_get_for_update(user=user, public_id=public_id)
    _make_default(user=user, profile=profile)
    return profile


@transaction.atomic
def profile_delete(*, user: User, public_id: str | uuid.UUID) -> None:
    profile = _profile_get_for_update(user=user, public_id=public_id)
    was_default = profile.is_default
    profile.delete()
    if was_default:
        successor = Profile.objects.filter(user=user).order_by("created_at", "id").first()
        if successor is not None:
            _make_default(user=user, profile=successor)


# --- favourites ---------------------------------------------------------------------------------------


def _favourite_fields(*, day: date | None, label: str | None, memo: str | None, colour: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if day is not None:
        fields["day"] = day
    if label is not None:
        if not label.strip():
            raise ServiceError(ErrorCode.VALIDATION_ERROR, message="이름을 입력해 주세요.", details={"field": "label"})
        fields["label"] = label.strip()[:60]
    if memo is not None:
        fields["memo"] = memo[:1000]
    if colour is not None:
        if colour not in Colour.values:
            raise ServiceError(ErrorCode.VALIDATION_ERROR, message="색을 목록에서 골라 주세요.", details={"field": "colour"})
        fields["colour"] = colour
    return fields


def favourite_create(
    *, user: User, day: date, label: str, memo: str = "", colour: str = Colour.BLUE
) -> FavouriteDate:
    if FavouriteDate.objects.filter(user=user).count() >= MAX_FAVOURITES_PER_USER:
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message=f"즐겨찾기 날짜는 {MAX_FAVOURITES_PER_USER}개까지 저장할 수 있습니다."
        )
    fields = _favourite_fields(day=day, label=label, memo=memo, colour=colour)
    return FavouriteDate.objects.create(user=user, **fields)


def favourite_update(
    *,
    user: User,
    public_id: str | uuid.UUID,
    day: date | None = None,
    label: str | None = None,
    memo: str | None = None,
    colour: str | None = None,
) -> FavouriteDate:
    favourite = FavouriteDate.objects.filter(user=user, public_id=_parse_public_id(public_id)).first()
    if favourite is None:
        raise _not_found()
    for name, value in _favourite_fields(day=day, label=label, memo=memo, colour=colour).items():
        setattr(favourite, name, value)
    favourite.save()
    return favourite


def favourite_delete(*, user: User, public_id: str | uuid.UUID) -> None:
    deleted, _ = FavouriteDate.objects.filter(user=user, public_id=_parse_public_id(public_id)).delete()
    if not deleted:
        raise _not_found()


# --- personal API key ---------------------------------------------------------------------------------

API_KEY_MIN_CHARS = 8
API_KEY_MAX_CHARS = 300


def api_key_set(*, user: User, key: str, base_url: str = "", model: str = "") -> PersonalApiKey:
    key = key.strip()
    if not (API_KEY_MIN_CHARS <= len(key) <= API_KEY_MAX_CHARS) or any(ch.isspace() for ch in key):
        raise ServiceError(ErrorCode.VALIDATION_ERROR, message="API 키 형식이 올바르지 않습니다.", details={"field": "key"})
    if base_url and not base_url.startswith("https://"):
        raise ServiceError(
            ErrorCode.VALIDATION_ERROR, message="API 주소는 https:// 로 시작해야 합니다.", details={"field": "base_url"}
        )
    stored, _ = PersonalApiKey.objects.update_or_create(
        user=user,
        defaults={"key": key, "base_url": base_url, "model": model.strip()[:100], "last_four": key[-4:]},
    )
    return stored


def api_key_delete(*, user: User) -> None:
    deleted, _ = PersonalApiKey.objects.filter(user=user).delete()
    if not deleted:
        raise _not_found()


# --- activity and the admin access log ----------------------------------------------------------------


# DAILY_VIEWED is recorded once per user per KST day: the statistics page counts the days a user looked at
# their daily fortune ("오늘의 운세를 본 날"), and the recent-activity list is not flooded by reloads. The memo
# (user id -> KST day last recorded by this process) makes every later view of the day free: no query at
# all on the logged-in /api/v1/fortunes/today hot path (BENCHMARKS.md "Cached path"). Bounded: cleared
# when it grows past the cap (the next view of each user then costs one read again).
_KST = ZoneInfo("Asia/Seoul")
_DAILY_MEMO_CAP = 100_000
_daily_recorded: dict[int, date] = {}


def activity_record(*, user_id: int, kind: ActivityKind) -> None:
    """Called by the readings/fortunes parts (e.g. READING_CREATED, DAILY_VIEWED); never raises on a gone user."""
    if kind == ActivityKind.DAILY_VIEWED:
        _daily_viewed_record(user_id)
    elif User.objects.filter(pk=user_id, deleted_at__isnull=True).exists():
        ActivityEvent.objects.create(user_id=user_id, kind=kind)


def _daily_viewed_record(user_id: int) -> None:
    now = timezone.now()
    day = now.astimezone(_KST).date()
    if _daily_recorded.get(user_id) == day:
        return
    day_start = datetime.combine(day, time.min, tzinfo=_KST)
    already = ActivityEvent.objects.filter(
        user_id=OuterRef("pk"), kind=ActivityKind.DAILY_VIEWED, created_at__gte=day_start
    )
    # One read decides both "the user exists" and "not yet recorded today" (another worker may have recorded
    # it: the memo is per process). Two workers' first views within the same millisecond could both insert;
    # the page would then count that day twice — accepted, no unique constraint for a statistic.
    if User.objects.filter(pk=user_id, deleted_at__isnull=True).exclude(Exists(already)).exists():
        ActivityEvent.objects.create(user_id=user_id, kind=ActivityKind.DAILY_VIEWED)
    if len(_daily_recorded) >= _DAILY_MEMO_CAP:
        _daily_recorded.clear()
    _daily_recorded[user_id] = day


def admin_access_log(*, staff: Any, action: str, model_label: str, object_id: str, path: str) -> AdminAccessLog:
    return AdminAccessLog.objects.create(
        staff=staff if getattr(staff, "pk", None) else None,
        staff_username=getattr(staff, "username", "")[:150],
        action=action[:16],
        model_label=model_label[:100],
        object_id=str(object_id)[:64],
        path=path[:300],
    )


# --- 보관함 and share links -------------------------------------------------------------------------------

KIND_TITLES = {"saju": "사주 풀이", "daily": "오늘의 운세"}
MAX_SAVED_PER_USER = 1000


def saved_reading_create(
    *,
    user: User,
    reading_public_id: str,
    profile_public_id: str | uuid.UUID | None = None,
    title: str = "",
    memo: str = "",
) -> SavedReading:
    """Copy a stored reading into the user's library (its text and pillars; never raw birth data)."""
    from unse.readings.selectors import reading_get

    reading = reading_get(public_id=reading_public_id)
    profile = None
    if profile_public_id:
        profile = Profile.objects.filter(user=user, public_id=_parse_public_id(profile_public_id)).first()
        if profile is None:
            raise _not_found()
    if SavedReading.objects.filter(user=user).count() >= MAX_SAVED_PER_USER:
        raise ServiceError(ErrorCode.VALIDATION_ERROR, message=f"보관함에는 {MAX_SAVED_PER_USER}개까지 저장할 수 있습니다.")
    pillars = reading.facts.get("사주", {}) if isinstance(reading.facts, dict) else {}
    default_title = KIND_TITLES.get(reading.kind, "풀이")
    if profile is not None:
        default_title = f"{profile.label} · {default_title}"
    with transaction.atomic():
        saved = SavedReading.objects.create(
            user=user,
            reading=reading,
            profile=profile,
            title=(title.strip() or default_title)[:80],
            kind=reading.kind,
            topic=reading.topic,
            fingerprint=reading.fingerprint,
            pillars=pillars,
            text=reading.text,
            generated_by=reading.generated_by,
            memo=memo[:1000],
        )
        ActivityEvent.objects.create(user=user, kind=ActivityKind.READING_SAVED)
    return saved


def saved_reading_delete(*, user: User, public_id: str | uuid.UUID) -> None:
    deleted, _ = SavedReading.objects.filter(user=user, public_id=_parse_public_id(public_id)).delete()
    if not deleted:
        raise _not_found()


def share_create(*, user: User, saved_public_id: str | uuid.UUID, include_birth: bool = False) -> Share:
    saved = SavedReading.objects.filter(user=user, public_id=_parse_public_id(saved_public_id)).first()
    if saved is None:
        raise _not_found()
    with transaction.atomic():
        share = Share.objects.create(saved=saved, include_birth=include_birth)
        ActivityEvent.objects.create(user=user, kind=ActivityKind.SHARE_CREATED)
    return share


def share_revoke(*, user: User, public_id: str | uuid.UUID) -> Share:
    """Revoke by the management id (never by the token); revoking twice is harmless."""
    share = Share.objects.filter(saved__user=user, public_id=_parse_public_id(public_id)).first()
    if share is None:
        raise _not_found()
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def share_record_view(*, share_id: int) -> None:
    Share.objects.filter(pk=share_id).update(view_count=models.F("view_count") + 1)


# --- deletion ------------------------------------------------------------------------------------------

# Relations to the user kept on deletion: they record what *staff* did, not the user's personal data.
KEPT_RELATIONS = frozenset({("accounts", "adminaccesslog", "staff")})


def _purge_related(user: User) -> dict[str, int]:
    """Delete every row of every app that belongs to the user (profiles, readings, chats, shares, …).

    Walking the model graph instead of listing models means a part added later is purged too.
    """
    counts: dict[str, int] = {}
    for rel in User._meta.related_objects:
        model = rel.related_model
        key = (model._meta.app_label, model._meta.model_name, rel.field.name)
        if key in KEPT_RELATIONS:
            continue
        if rel.many_to_many:
            continue
        manager = model._base_manager.filter(**{rel.field.name: user})
        if rel.on_delete is models.SET_NULL:
            manager.update(**{rel.field.name: None})
            continue
        deleted, per_model = manager.delete()
        for label, n in per_model.items():
            counts[label] = counts.get(label, 0) + n
    return counts


@transaction.atomic
def user_delete(*, user: User) -> dict[str, int]:
    """탈퇴: purge the personal data and keep an anonymized row (its e-mail and social ids are free at once)."""
    locked = User.objects.select_for_update().filter(pk=user.pk, deleted_at__isnull=True).first()
    if locked is None:
        raise _not_found()
    counts = _purge_related(locked)
    locked.groups.clear()
    locked.user_permissions.clear()
    locked.username = f"{DELETED_USERNAME_PREFIX}{locked.public_id.hex}"
    locked.email = ""
    locked.first_name = ""
    locked.last_name = ""
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.last_login = None
    locked.last_seen_at = None
    locked.deleted_at = timezone.now()
    locked.set_unusable_password()
    locked.save()
    logger.info("account deleted", extra={"user_public_id": str(locked.public_id)})
    return counts


def unverified_users_delete(*, days: int, dry_run: bool = False) -> int:
    """Remove accounts that never verified an e-mail within `days`, and children's sign-ups whose guardian
    did not consent within GUARDIAN_CONSENT_DAYS (neither ever became a usable account)."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    now = timezone.now()
    cutoff = now - timedelta(days=days)
    verified = EmailAddress.objects.filter(user=models.OuterRef("pk"), verified=True)
    social = SocialAccount.objects.filter(user=models.OuterRef("pk"))
    # A child's sign-up whose guardian never confirmed is removed as well, after the consent period.
    guardian_expired = GuardianConsent.objects.filter(
        user=models.OuterRef("pk"),
        confirmed_at__isnull=True,
        requested_at__lt=now - timedelta(days=settings.GUARDIAN_CONSENT_DAYS),
    )
    never_verified = ~models.Exists(verified) & ~models.Exists(social) & models.Q(date_joined__lt=cutoff)
    stale = User.objects.filter(deleted_at__isnull=True, is_staff=False, is_superuser=False).filter(
        never_verified | models.Exists(guardian_expired)
    )
    if dry_run:
        return stale.count()
    deleted = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # Re-check under the lock: the user may have verified since the list was read.
            user = stale.select_for_update().filter(pk=pk).first()
            if user is None:
                continue
            user.delete()
            deleted += 1
    return deleted


# --- key rotation -------------------------------------------------------------------------------------


def encryption_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted column with the primary key (after prepending a new key)."""
    from unse.accounts.crypto import EncryptedJSONField, EncryptedTextField

    counts: dict[str, int] = {}
    for model in (Profile, GuardianConsent, PersonalApiKey):
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedJSONField | EncryptedTextField)
        ]
        done = 0
        last_pk = 0
        while True:
            chunk = list(model._base_manager.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not chunk:
                break
            with transaction.atomic():
                # Reading decrypts with any key; saving encrypts with the first one.
                model._base_manager.bulk_update(chunk, fields)
            done += len(chunk)
            last_pk = chunk[-1].pk
        counts[model._meta.label] = done
    return counts
