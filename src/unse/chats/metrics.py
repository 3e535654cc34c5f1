"""Prometheus metrics of the 상담 chat (default registry, served at /metrics). Labels are bounded enums."""

from __future__ import annotations

from prometheus_client import Counter

CHAT_ANSWERS = Counter("unse_chat_answers_total", "Chat answers by source", ["source"])
CHAT_SAFETY_FLAGS = Counter("unse_chat_safety_flags_total", "Chat questions by safety flag", ["flag"])
CHAT_HISTORY_FAILURES = Counter(
    "unse_chat_history_failures_total", "Chat answers given without history because it could not be read"
)
CHAT_GROUNDING_FAILURES = Counter(
    "unse_chat_grounding_failures_total", "Chat AI answers contradicting the chart"
)
