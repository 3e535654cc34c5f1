"""Prometheus metrics of the AI layer (the foundation serves `/metrics` from the default registry).

Label values are bounded: provider names come from settings, codes from `ErrorCode`, never user input.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Breaker state as a number so one gauge can be graphed and alerted on (> 0 means degraded).
BREAKER_STATE_VALUE = {"closed": 0, "half_open": 1, "open": 2}

AI_CALLS = Counter(
    "unse_ai_calls_total", "Provider calls (one per attempt) by outcome", ["provider", "outcome"]
)
AI_ERRORS = Counter("unse_ai_errors_total", "Provider errors by error code", ["provider", "code"])
AI_RETRIES = Counter("unse_ai_retries_total", "Retries before the first token", ["provider", "code"])
AI_TOKENS = Counter("unse_ai_tokens_total", "Tokens reported by providers", ["provider", "kind"])
AI_FIRST_TOKEN_SECONDS = Histogram(
    "unse_ai_first_token_seconds",
    "Time from request to first token",
    ["provider"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30),
)
BREAKER_STATE = Gauge("unse_ai_breaker_state", "Breaker state: 0 closed, 1 half-open, 2 open", ["provider"])
BREAKER_TRANSITIONS = Counter(
    "unse_ai_breaker_transitions_total", "Breaker state changes", ["provider", "to"]
)
BREAKER_BACKEND_FALLBACKS = Counter(
    "unse_ai_breaker_backend_fallbacks_total", "Breaker calls served by local state because Redis failed"
)
RATELIMIT_DECISIONS = Counter(
    "unse_ai_ratelimit_decisions_total", "Rate-limit decisions", ["scope", "result"]
)
RATELIMIT_FAIL_OPEN = Counter(
    "unse_ai_ratelimit_fail_open_total", "Requests allowed because the limiter backend failed"
)
CACHE_LOOKUPS = Counter("unse_ai_cache_lookups_total", "Reading cache lookups", ["result"])
SINGLE_FLIGHT_JOINS = Counter(
    "unse_ai_single_flight_joins_total", "Requests attached to a running generation"
)
GROUNDING_FAILURES = Counter(
    "unse_ai_grounding_failures_total", "AI readings contradicting the computed chart", ["provider"]
)
FALLBACKS = Counter("unse_ai_builtin_fallbacks_total", "Built-in readings served instead of AI", ["code"])
BUDGET_SPENT = Counter("unse_ai_budget_spent_tokens_total", "Tokens charged against the daily budget")
BUDGET_REMAINING = Gauge("unse_ai_budget_remaining_tokens", "Tokens left in today's budget (KST)")
BUDGET_EXHAUSTED = Counter(
    "unse_ai_budget_exhausted_total", "Requests refused AI because the budget is spent"
)
BUDGET_BACKEND_FALLBACKS = Counter(
    "unse_ai_budget_backend_fallbacks_total", "Budget calls served by local state because Redis failed"
)
OPEN_STREAMS = Gauge("unse_ai_open_streams", "Open reading streams in this worker")
STREAMS_REJECTED = Counter(
    "unse_ai_streams_rejected_total", "Streams refused with AI_BUSY by the per-worker cap"
)
