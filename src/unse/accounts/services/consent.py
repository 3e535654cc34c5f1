"""Consents given at sign-up and the guardian's consent for a child under 14."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from unse.accounts.ids import not_found
from unse.accounts.models import ConsentKind, ConsentRecord, GuardianConsent, User
from unse.accounts.services.outbox import outbox_enqueue
from unse.core.errors import ErrorCode, ServiceError


@dataclass(frozen=True, slots=True)
class ConsentChoices:
    """What the sign-up form's consent block says (unse.accounts.forms)."""

    under_14: bool
    guardian_name: str
    guardian_email: str
    overseas_ai: bool


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
            raise not_found()
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
