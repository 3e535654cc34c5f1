"""Incoming-webhook notification of a batch summary (Slack and Discord formats)."""

from __future__ import annotations

import logging
from enum import Enum
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from unse.fortunes.batch.summary import BatchSummary

logger = logging.getLogger(__name__)


class WebhookFormat(Enum):
    SLACK = "slack"
    DISCORD = "discord"


def webhook_format_for(url: str) -> WebhookFormat:
    host = (urlsplit(url).hostname or "").lower()
    return WebhookFormat.DISCORD if host.endswith(("discord.com", "discordapp.com")) else WebhookFormat.SLACK


def webhook_payload(*, summary: BatchSummary, fmt: WebhookFormat) -> dict[str, object]:
    text = summary.to_text()
    # Slack reads "text", Discord reads "content"; Discord caps a message at 2,000 characters.
    if fmt is WebhookFormat.DISCORD:
        return {"content": text[:2000]}
    return {"text": text}


def webhook_send(*, summary: BatchSummary, url: str | None = None) -> bool:
    """Post the summary; a failing webhook is logged and never fails the batch."""
    target = url if url is not None else settings.DAILY_FORTUNE_WEBHOOK_URL
    if not target:
        return False
    payload = webhook_payload(summary=summary, fmt=webhook_format_for(target))
    try:
        response = httpx.post(target, json=payload, timeout=settings.DAILY_FORTUNE_WEBHOOK_TIMEOUT)
        response.raise_for_status()
    except httpx.HTTPError:
        logger.warning("batch webhook failed", exc_info=True)
        return False
    return True
