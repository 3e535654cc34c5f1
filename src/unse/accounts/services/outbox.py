"""The transactional e-mail outbox: written in the caller's transaction, sent after it commits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models, transaction
from django.utils import timezone

from unse.accounts.crypto import DecryptionError, decrypt_text, encrypt_text
from unse.accounts.models import EmailOutbox, OutboxStatus

logger = logging.getLogger(__name__)

OUTBOX_ERROR_MAX_CHARS = 300
# Every Fernet token starts with its version byte 0x80, base64 "gAAAAA".
FERNET_PREFIX = "gAAAAA"


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
                body_text=_seal(body),
                body_html=_seal(html),
                next_attempt_at=timezone.now(),
            )
        )
    if settings.OUTBOX_DELIVER_ON_COMMIT:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _deliver_quietly(ids))
    return rows[0]


def _seal(body: str) -> str:
    return encrypt_text(body) if body else ""


def _open(stored: str) -> str:
    # A row written in plain text by the previous release during a rolling deploy is still sent as it is.
    return decrypt_text(stored) if stored.startswith(FERNET_PREFIX) else stored


def _deliver_quietly(outbox_ids: list[int]) -> None:
    for outbox_id in outbox_ids:
        try:
            outbox_deliver(outbox_id=outbox_id)
        except Exception:  # the row stays due; `deliver_outbox` retries it
            logger.exception("outbox delivery after commit failed", extra={"outbox_id": outbox_id})


def _retry_delay(attempts: int) -> timedelta:
    seconds = min(
        settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0)), settings.OUTBOX_RETRY_MAX_SECONDS
    )
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
    try:
        body_text, body_html = _open(row.body_text), _open(row.body_html)
    except DecryptionError:  # sealed with a key that has since been removed: it can never be sent
        EmailOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.FAILED, last_error="DecryptionError", body_text="", body_html=""
        )
        logger.warning("outbox row sealed with a removed key", extra={"outbox_id": row.pk})
        return False
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=body_text or body_html,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
    )
    if body_html and body_text:
        message.attach_alternative(body_html, "text/html")
    elif body_html:
        message.content_subtype = "html"
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        # A row that failed for good keeps no body: its links are dead to us but alive for an attacker.
        bodies = {"body_text": "", "body_html": ""} if failed else {}
        EmailOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
            next_attempt_at=timezone.now() + _retry_delay(row.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:OUTBOX_ERROR_MAX_CHARS],
            **bodies,
        )
        logger.warning("outbox delivery failed", extra={"outbox_id": row.pk, "attempts": row.attempts})
        return False
    EmailOutbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="", body_text="", body_html=""
    )
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
    failed_cutoff = now - timedelta(days=settings.OUTBOX_FAILED_RETENTION_DAYS)
    purged, _ = EmailOutbox.objects.filter(
        models.Q(status=OutboxStatus.SENT, sent_at__lt=cutoff)
        | models.Q(status=OutboxStatus.FAILED, created_at__lt=failed_cutoff)
    ).delete()
    return OutboxRun(due=len(due_ids), sent=sent, purged=purged)
