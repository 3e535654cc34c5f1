"""Settings owned by the ai part of the service; star-imported at the end of base.py."""

# --- readings pipeline (owned by the readings part: src/unse/readings/, docs/ai-pipeline.md) ----------
from config.env import env_bool as _r_env_bool
from config.env import env_float as _r_env_float
from config.env import env_int as _r_env_int
from config.env import env_str as _r_env_str

# HMAC key of the chart fingerprint; empty = derived from SECRET_KEY (rotating either empties the cache).
READINGS_FINGERPRINT_SECRET = _r_env_str("READINGS_FINGERPRINT_SECRET")
# When every provider fails, stream the built-in rule-based reading with a notice (off = error event).
READINGS_FALLBACK_BUILTIN = _r_env_bool("READINGS_FALLBACK_BUILTIN", True)
# Tokens are coalesced into one SSE `delta` event per this many milliseconds.
READINGS_COALESCE_MS = _r_env_int("READINGS_COALESCE_MS", 100)
# Openings (chart, analysis, prompt, lookups) in progress at once per worker; later arrivals wait their
# turn in order (unse.readings.services.open.opening_gate); 0 = no gate.
READINGS_OPENING_CONCURRENCY = _r_env_int("READINGS_OPENING_CONCURRENCY", 8)
READINGS_KEEPALIVE_SECONDS = _r_env_float("READINGS_KEEPALIVE_SECONDS", 15.0)
READINGS_MAX_TOKENS = _r_env_int("READINGS_MAX_TOKENS", 1800)
# Single flight across workers: leader lock TTL (refreshed while generating) and how long a joiner in
# another worker waits for the next event before giving up with AI_TIMEOUT.
READINGS_FLIGHT_LOCK_TTL_SECONDS = _r_env_int("READINGS_FLIGHT_LOCK_TTL_SECONDS", 15)
READINGS_FLIGHT_IDLE_TIMEOUT_SECONDS = _r_env_float("READINGS_FLIGHT_IDLE_TIMEOUT_SECONDS", 60.0)
READINGS_REDIS_PREFIX = _r_env_str("READINGS_REDIS_PREFIX", "unse:readings:")
# --- end of readings pipeline settings ---------------------------------------------------------------

# --- AI infrastructure (owned by src/unse/ai/; documented in docs/ai-infrastructure.md) ---------------
import json as _ai_json  # noqa: E402

from django.core.exceptions import ImproperlyConfigured as _AiImproperlyConfigured  # noqa: E402

from config.env import env_float as _ai_env_float  # noqa: E402
from config.env import env_int as _ai_env_int  # noqa: E402
from config.env import env_str as _ai_env_str  # noqa: E402

# Default timeouts/retries of every provider (a fallback entry may override each one).
LLM_CONNECT_TIMEOUT = _ai_env_float("LLM_CONNECT_TIMEOUT", 3.0)
LLM_FIRST_TOKEN_TIMEOUT = _ai_env_float("LLM_FIRST_TOKEN_TIMEOUT", 15.0)
LLM_TOTAL_TIMEOUT = _ai_env_float("LLM_TOTAL_TIMEOUT", 120.0)
LLM_MAX_RETRIES = _ai_env_int("LLM_MAX_RETRIES", 2)
LLM_BACKOFF_BASE = _ai_env_float("LLM_BACKOFF_BASE", 0.25)
LLM_BACKOFF_MAX = _ai_env_float("LLM_BACKOFF_MAX", 2.0)
# A provider 429 whose Retry-After is at most this many seconds is waited out (before the first token);
# a longer one fails at once with AI_BUSY so the next provider (or the built-in reading) takes over.
LLM_RETRY_AFTER_MAX_WAIT = _ai_env_float("LLM_RETRY_AFTER_MAX_WAIT", 2.0)
# After the first token, hand the text of this many ms to the pipeline as one piece (one wake-up per
# interval instead of per upstream chunk: most of the relay's CPU). 0 = every chunk as it comes.
LLM_STREAM_COALESCE_MS = _ai_env_int("LLM_STREAM_COALESCE_MS", 100)


def _ai_providers() -> list[dict[str, object]]:
    """Primary provider (LLM_BASE_URL/LLM_API_KEY/LLM_MODEL) + LLM_FALLBACKS, a JSON list of objects
    {"name", "base_url", "model", "api_key" or "api_key_env", optional timeouts}. Model ids stay in config
    because providers retire them."""
    providers: list[dict[str, object]] = []
    if _ai_env_str("LLM_API_KEY"):
        providers.append(
            {
                "name": _ai_env_str("LLM_NAME", "primary"),
                "base_url": _ai_env_str("LLM_BASE_URL", "https://api.openai.com/v1"),
                "api_key": _ai_env_str("LLM_API_KEY"),
                "model": _ai_env_str("LLM_MODEL", "gpt-4o-mini"),
            }
        )
    raw = _ai_env_str("LLM_FALLBACKS").strip()
    if raw:
        try:
            entries = _ai_json.loads(raw)
        except ValueError as exc:
            raise _AiImproperlyConfigured(f"LLM_FALLBACKS must be a JSON list of objects: {exc}") from exc
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _AiImproperlyConfigured("LLM_FALLBACKS must be a JSON list of objects")
        for index, entry in enumerate(entries, start=1):
            entry = dict(entry)
            if "api_key_env" in entry:
                entry["api_key"] = _ai_env_str(str(entry.pop("api_key_env")))
            entry.setdefault("name", f"fallback{index}")
            missing = [k for k in ("base_url", "model") if not entry.get(k)]
            if missing:
                raise _AiImproperlyConfigured(f"LLM_FALLBACKS[{index - 1}] lacks {', '.join(missing)}")
            providers.append(entry)
    names = [p["name"] for p in providers]
    if len(names) != len(set(names)):
        raise _AiImproperlyConfigured(f"LLM provider names must be unique, got {names}")
    return providers


# Ordered provider list; entries without an api_key are skipped (no key anywhere = built-in reading only).
LLM_PROVIDERS = _ai_providers()

# Redis for breaker/budget/limiter state: AI_REDIS_URL, else REDIS_URL, else in-process state.
AI_REDIS_URL = _ai_env_str("AI_REDIS_URL")
AI_REDIS_PREFIX = _ai_env_str("AI_REDIS_PREFIX", "unse:ai")
AI_REDIS_TIMEOUT = _ai_env_float("AI_REDIS_TIMEOUT", 0.5)
# Connections per worker (bounded pool shared by breaker, budget and limiter) and the longest wait for one.
AI_REDIS_MAX_CONNECTIONS = _ai_env_int("AI_REDIS_MAX_CONNECTIONS", 32)
AI_REDIS_POOL_WAIT = _ai_env_float("AI_REDIS_POOL_WAIT", 2.0)
# After a Redis error, skip Redis (local state / fail-open) for this long instead of paying a timeout
# on every request.
AI_REDIS_RETRY_SECONDS = _ai_env_float("AI_REDIS_RETRY_SECONDS", 5.0)

# Circuit breaker (per provider): why these numbers, see docs/ai-infrastructure.md.
AI_BREAKER_WINDOW_SECONDS = _ai_env_int("AI_BREAKER_WINDOW_SECONDS", 30)
AI_BREAKER_MIN_CALLS = _ai_env_int("AI_BREAKER_MIN_CALLS", 20)
AI_BREAKER_FAILURE_RATE = _ai_env_float("AI_BREAKER_FAILURE_RATE", 0.5)
AI_BREAKER_CONSECUTIVE_FAILURES = _ai_env_int("AI_BREAKER_CONSECUTIVE_FAILURES", 8)
AI_BREAKER_OPEN_SECONDS = _ai_env_float("AI_BREAKER_OPEN_SECONDS", 15.0)
# The first open period after the breaker trips; it doubles only while half-open probes keep failing, up to
# AI_BREAKER_OPEN_SECONDS (each period × a random 0.5–1.0).
AI_BREAKER_PROBE_SECONDS = _ai_env_float("AI_BREAKER_PROBE_SECONDS", 1.0)
AI_BREAKER_PROBE_LEASE_SECONDS = _ai_env_float("AI_BREAKER_PROBE_LEASE_SECONDS", 30.0)

# Rate limits of uncached AI readings (`limits` syntax, windows separated by ';').
RATE_LIMIT_ANON = _ai_env_str("RATE_LIMIT_ANON", "5/hour;10/day")
RATE_LIMIT_USER = _ai_env_str("RATE_LIMIT_USER", "30/hour;100/day")
RATE_LIMIT_ANON_GLOBAL = _ai_env_str("RATE_LIMIT_ANON_GLOBAL", "1000/hour")
# The free path (readings the built-in interpreter writes: no AI call, no token cost) has its own, generous
# window per client (IP or /64; the user when logged in); it only stops scripts hammering the server.
RATE_LIMIT_FREE = _ai_env_str("RATE_LIMIT_FREE", "60/minute;600/hour")

# Global daily token budget (KST day); 0 = no budget.
AI_DAILY_TOKEN_BUDGET = _ai_env_int("AI_DAILY_TOKEN_BUDGET", 2_000_000)
# Share of that budget reserved for the nightly batch: interactive readings stop at (1 - share) of it (the
# batch's own spending comes out of its share first), the batch may use the whole budget. 0 = no reserve.
AI_BATCH_TOKEN_SHARE = _ai_env_float("AI_BATCH_TOKEN_SHARE", 0.5)

# Open streams per worker process; beyond it new streams get 503 AI_BUSY with this Retry-After.
AI_MAX_STREAMS_PER_WORKER = _ai_env_int("AI_MAX_STREAMS_PER_WORKER", 500)
AI_STREAM_RETRY_AFTER_SECONDS = _ai_env_int("AI_STREAM_RETRY_AFTER_SECONDS", 5)
# Joiners of a running generation (not charged, sharing its upstream stream) have their own pool, so they
# never take a leader's slot; and one client (user or IP) holds at most this many streams (issue 20).
AI_MAX_JOINERS_PER_WORKER = _ai_env_int("AI_MAX_JOINERS_PER_WORKER", 1000)
AI_MAX_STREAMS_PER_CLIENT = _ai_env_int("AI_MAX_STREAMS_PER_CLIENT", 3)
# --- end of AI infrastructure settings ------------------------------------------------------------------
