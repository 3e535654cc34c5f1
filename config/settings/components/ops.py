"""Settings owned by the operators' console (src/unse/ops/, docs/operations.md); star-imported at the end
of base.py. Every value is an environment variable with an embedded default."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from config.env import env_bool as _o_env_bool
from config.env import env_float as _o_env_float
from config.env import env_int as _o_env_int
from config.settings.components.batch import CELERY_BEAT_SCHEDULE as _o_batch_beat

# Runtime switches: each process keeps the switches it read for this many seconds, then asks the shared
# cache whether they changed (one GET) and reloads them from the database only when they did.
OPS_SWITCH_TTL_SECONDS = _o_env_float("OPS_SWITCH_TTL_SECONDS", 2.0)
# Even without a change signal, reload from the database at least this often (a lost cache key, a
# cache that is not shared between processes).
OPS_SWITCH_MAX_AGE_SECONDS = _o_env_float("OPS_SWITCH_MAX_AGE_SECONDS", 30.0)

# Retention (docs/privacy.md "Retention of readings and logs"): stored readings nobody saved, and the
# staff access/audit logs, are deleted after this many days by `manage.py purge_expired` / Celery beat.
RETENTION_READINGS_DAYS = _o_env_int("RETENTION_READINGS_DAYS", 90)
RETENTION_STAFF_LOG_DAYS = _o_env_int("RETENTION_STAFF_LOG_DAYS", 730)
RETENTION_BATCH_RUN_DAYS = _o_env_int("RETENTION_BATCH_RUN_DAYS", 180)
RETENTION_BATCH_SIZE = _o_env_int("RETENTION_BATCH_SIZE", 1000)
RETENTION_BEAT_HOUR_KST = _o_env_int("RETENTION_BEAT_HOUR_KST", 4)

# Celery queues shown on the console's status page.
OPS_STATUS_QUEUES = ["celery"]
OPS_STATUS_TIMEOUT_SECONDS = _o_env_float("OPS_STATUS_TIMEOUT_SECONDS", 1.0)


def _o_beat() -> dict[str, dict[str, Any]]:
    return {
        "ops-purge-expired": {
            "task": "ops.purge_expired",
            "schedule": crontab(minute=30, hour=RETENTION_BEAT_HOUR_KST),
        },
    }


# The batch's schedule plus ours (each part keeps its own list).
CELERY_BEAT_SCHEDULE = {**_o_batch_beat, **_o_beat()}
# The gauges behind the alert rules are refreshed by the `ops_metrics` readiness check at most this often.
OPS_METRICS_REFRESH_SECONDS = _o_env_float("OPS_METRICS_REFRESH_SECONDS", 15.0)

# /admin/ needs a confirmed TOTP device (django-otp) besides the password: docs/operations.md "Admin access".
# Only the unit-test settings turn it off, so the console's own tests can use force_login.
ADMIN_OTP_REQUIRED = _o_env_bool("ADMIN_OTP_REQUIRED", True)
