"""Settings owned by the batch part of the service; star-imported at the end of base.py.

Every value is an environment variable with an embedded default (documented in docs/batch.md).
"""

from __future__ import annotations

from celery.schedules import crontab

from config.env import env_bool, env_float, env_int, env_str
from config.settings.components.accounts import ACCOUNTS_BEAT_SCHEDULE

# --- who gets a nightly fortune ---------------------------------------------------------------------
# Users who visited within this many days (User.last_seen_at); it bounds the nightly AI bill.
DAILY_FORTUNE_ACTIVE_DAYS = env_int("DAILY_FORTUNE_ACTIVE_DAYS", 30)

# --- the batch engine -------------------------------------------------------------------------------
DAILY_FORTUNE_WORKERS = env_int("DAILY_FORTUNE_WORKERS", 20)
# Processes of one command run (`--processes`): the target id range is split between them and each runs
# the async engine with workers/N coroutines, so one run can use more than one core.
DAILY_FORTUNE_PROCESSES = env_int("DAILY_FORTUNE_PROCESSES", 1)
# A running command writes a heartbeat into its BatchRun row this often; a RUNNING row without one for
# DAILY_FORTUNE_STALE_SECONDS (kill -9, lost machine) is marked "interrupted" when the next run starts.
DAILY_FORTUNE_HEARTBEAT_SECONDS = env_float("DAILY_FORTUNE_HEARTBEAT_SECONDS", 15.0)
DAILY_FORTUNE_STALE_SECONDS = env_int("DAILY_FORTUNE_STALE_SECONDS", 300)
# Rows per keyset page when reading targets; memory is bounded by this, not by the user count.
DAILY_FORTUNE_PAGE_SIZE = env_int("DAILY_FORTUNE_PAGE_SIZE", 500)
# Threads for the pipeline's database calls inside one batch process; keep it <= DB_POOL_MAX.
DAILY_FORTUNE_DB_THREADS = env_int("DAILY_FORTUNE_DB_THREADS", 8)
# 2 + 4 + 8 + 16 s (+ jitter) of backoff: longer than a breaker's open period, so an outage is waited out.
DAILY_FORTUNE_MAX_ATTEMPTS = env_int("DAILY_FORTUNE_MAX_ATTEMPTS", 5)
DAILY_FORTUNE_RETRY_BASE_SECONDS = env_float("DAILY_FORTUNE_RETRY_BASE_SECONDS", 2.0)
DAILY_FORTUNE_RETRY_MAX_SECONDS = env_float("DAILY_FORTUNE_RETRY_MAX_SECONDS", 30.0)
# The command exits non-zero (and the webhook says so) when failed/targets exceeds this share.
DAILY_FORTUNE_MAX_FAILURE_SHARE = env_float("DAILY_FORTUNE_MAX_FAILURE_SHARE", 0.05)
# Log a progress line every N seconds when stdout is not a terminal.
DAILY_FORTUNE_LOG_EVERY_SECONDS = env_float("DAILY_FORTUNE_LOG_EVERY_SECONDS", 10.0)
# Slack/Discord incoming-webhook URL for the summary; empty = no notification.
DAILY_FORTUNE_WEBHOOK_URL = env_str("DAILY_FORTUNE_WEBHOOK_URL")
DAILY_FORTUNE_WEBHOOK_TIMEOUT = env_float("DAILY_FORTUNE_WEBHOOK_TIMEOUT", 5.0)

# --- provider limits shared with the web service ----------------------------------------------------
# The provider's account limits (requests and tokens per minute); 0 = unlimited (e.g. built-in interpreter).
LLM_PROVIDER_RPM = env_int("LLM_PROVIDER_RPM", 3000)
LLM_PROVIDER_TPM = env_int("LLM_PROVIDER_TPM", 1_000_000)
# Share of those limits the batch leaves untouched for interactive web requests.
DAILY_FORTUNE_WEB_RESERVE = env_float("DAILY_FORTUNE_WEB_RESERVE", 0.2)
# Token estimate reserved before each call (prompt + answer); corrected by real usage afterwards.
DAILY_FORTUNE_TOKENS_ESTIMATE = env_int("DAILY_FORTUNE_TOKENS_ESTIMATE", 1500)
# When REDIS_URL is set the bucket lives in Redis so every batch process and Celery worker shares it.
DAILY_FORTUNE_BUCKET_SHARED = env_bool("DAILY_FORTUNE_BUCKET_SHARED", True)

# --- delivery -----------------------------------------------------------------------------------------
DAILY_FORTUNE_EMAIL_HOUR_KST = env_int("DAILY_FORTUNE_EMAIL_HOUR_KST", 7)
DAILY_FORTUNE_EMAIL_FROM = env_str("DAILY_FORTUNE_EMAIL_FROM", "운세 <no-reply@localhost>")
# Dotted paths of extra delivery channels (push); each is `def send(*, user_id, fortune) -> bool`.
DAILY_FORTUNE_EXTRA_CHANNELS: list[str] = [
    path.strip() for path in env_str("DAILY_FORTUNE_EXTRA_CHANNELS").split(",") if path.strip()
]

# --- Celery -------------------------------------------------------------------------------------------
# Broker: CELERY_BROKER_URL wins (e.g. amqp://guest:guest@127.0.0.1:5672//), else REDIS_URL, else local Redis.
_redis_default = env_str("REDIS_URL") or "redis://127.0.0.1:6379/0"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or _redis_default
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or env_str("REDIS_URL") or None
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker died is re-queued instead of being acknowledged as failed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
# Redis only: an unacknowledged task comes back after this many seconds; it must exceed the time limit
# or a slow-but-alive task would run twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 900)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Users per fan-out task; each task runs the same async engine as the command on its chunk.
DAILY_FORTUNE_CHUNK_SIZE = env_int("DAILY_FORTUNE_CHUNK_SIZE", 200)
DAILY_FORTUNE_TASK_WORKERS = env_int("DAILY_FORTUNE_TASK_WORKERS", 20)
DAILY_FORTUNE_BEAT_HOUR_KST = env_int("DAILY_FORTUNE_BEAT_HOUR_KST", 22)
# CELERY_TIMEZONE is Asia/Seoul, so these crontab hours are KST.
CELERY_BEAT_SCHEDULE = {
    "daily-fortunes-fan-out": {
        "task": "fortunes.fan_out_daily_fortunes",
        "schedule": crontab(minute=0, hour=DAILY_FORTUNE_BEAT_HOUR_KST),
    },
    "daily-fortunes-morning-mail": {
        "task": "fortunes.send_morning_fortunes",
        "schedule": crontab(minute=0, hour=DAILY_FORTUNE_EMAIL_HOUR_KST),
    },
    # The accounts part's periodic jobs (outbox delivery, unverified-account purge) ride on the same beat.
    **ACCOUNTS_BEAT_SCHEDULE,
}
