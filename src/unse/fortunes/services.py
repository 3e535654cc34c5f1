"""Writes of the fortunes app: daily fortunes on demand (/today) and the morning delivery.

(The nightly batch is the `batch` package: the command's run in `batch/run.py`, Celery's in `batch/fanout.py`.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from unse.accounts.models import Profile
from unse.accounts.selectors.profiles import profile_birth_mapping, profile_default_get
from unse.accounts.selectors.users import user_active_get
from unse.core.clock import kst_today
from unse.core.errors import ErrorCode, ServiceError
from unse.core.request import UserLike
from unse.fortunes.daily import DailyFortune, daily_email_line, daily_fortune_for_profile
from unse.fortunes.mail import plain_text, unsubscribe_headers, unsubscribe_url, unsubscribe_user_id
from unse.fortunes.models import DeliveryChannel, DeliveryStatus, FortuneDelivery
from unse.fortunes.selectors import delivery_recipient_id_pages
from unse.readings.sanitize import render_markdown

logger = logging.getLogger(__name__)


async def fortune_today_get(
    *, user: UserLike, profile: Profile | None, client_subject: str, request_id: str, day: date | None = None
) -> DailyFortune:
    """Today's (KST) fortune of the user's default profile (`profile_default_get`, read by the caller in
    the same hop as the user): the stored row (cache first, one indexed lookup by key), else generated
    now through the readings pipeline and stored under the same key."""
    if profile is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND,
            message="기본 프로필이 없습니다. 내 정보에서 생년월일시 프로필을 먼저 만들어 주세요.",
            details={"reason": "no_default_profile"},
        )
    return await daily_fortune_for_profile(
        profile=profile,
        day=day or kst_today(),
        user=user,
        client_subject=client_subject,
        request_id=request_id,
    )


def delivery_recipient_pages(*, day: date | None = None) -> Iterator[list[int]]:
    del day
    return delivery_recipient_id_pages(page_size=settings.DAILY_FORTUNE_PAGE_SIZE)


def fortune_deliver(*, user_id: int, day: date) -> bool:
    """Mail one user the fortune of `day` (generated on demand if the batch missed it); at most once.

    The delivery row (unique per user, day, channel) is claimed before sending; a redelivered task
    finds it SENT and does nothing. Extra channels (push) are called after the e-mail.
    """
    user = user_active_get(user_id=user_id)
    profile = profile_default_get(user_id=user_id)
    if user is None or profile is None or not profile.daily_fortune or not user.email:
        return False
    try:
        delivery, _ = FortuneDelivery.objects.get_or_create(user=user, day=day, channel=DeliveryChannel.EMAIL)
    except IntegrityError:
        delivery = FortuneDelivery.objects.get(user=user, day=day, channel=DeliveryChannel.EMAIL)
    if delivery.status == DeliveryStatus.SENT:
        return False
    fortune = asyncio.run(daily_fortune_for_profile(profile=profile, day=day))
    context = {
        "user": user,
        "profile_label": profile.label,
        "day": day,
        "fortune_text": plain_text(fortune.text),
        # Rendered from the whole text: the stored HTML is the class text's, without the personal lines.
        "fortune_html": render_markdown(fortune.text),
        "unsubscribe_url": unsubscribe_url(user.pk),
        # The engine's one-line summary of the person's own day (pillar, stars, title): never the AI's.
        "email_line": daily_email_line(birth=profile_birth_mapping(profile=profile), day=day),
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("fortunes/email/daily_subject.txt", context).strip(),
        body=render_to_string("fortunes/email/daily_body.txt", context),
        from_email=settings.DAILY_FORTUNE_EMAIL_FROM,
        to=[user.email],
        headers=unsubscribe_headers(user.pk),
    )
    message.attach_alternative(render_to_string("fortunes/email/daily_body.html", context), "text/html")
    message.send()
    FortuneDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    _extra_channels(user_id=user_id, fortune=fortune)
    return True


def _extra_channels(*, user_id: int, fortune: object) -> None:
    """Push and other channels: each dotted path in DAILY_FORTUNE_EXTRA_CHANNELS is called (docs/batch.md)."""
    for path in settings.DAILY_FORTUNE_EXTRA_CHANNELS:
        try:
            import_string(path)(user_id=user_id, fortune=fortune)
        except Exception:
            logger.warning("delivery channel %s failed for user %s", path, user_id, exc_info=True)


def fortune_unsubscribe(*, token: str) -> bool:
    """One-click unsubscribe from the morning mail (RFC 8058): every profile of the user stops the daily
    fortune. False for a token that is not ours (tampered or from another SECRET_KEY)."""
    user_id = unsubscribe_user_id(token)
    if user_id is None:
        return False
    Profile.objects.filter(user_id=user_id, daily_fortune=True).update(daily_fortune=False)
    return True
