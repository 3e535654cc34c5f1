"""Settings shared by every environment; dev/test/prod modules override a few switches.

Everything that differs between deployments is an environment variable (documented in README).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import sentry_sdk
from csp.constants import NONCE, NONE, SELF

from config.env import env_bool, env_float, env_int, env_list, env_str
from config.logging import build_logging
from config.sentry import sentry_options

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
# The public keys of dev.py and test.py; prod.py refuses to start with either.
DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105 - public by design
TEST_SECRET_KEY = "test-only-insecure-key"  # noqa: S105 - public by design
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Proxies whose X-Forwarded-For/-Proto are believed; the same variable (and default) uvicorn reads
# for --forwarded-allow-ips, so the app and the server agree on who the client is. IPs or CIDRs.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "csp",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "allauth.socialaccount.providers.google",
    "unse.core",
    "unse.accounts",
    "unse.readings",
    "unse.fortunes",
    "unse.chats",
    "unse.web",
    "unse.ops",
]

# Django's own middleware, subclassed so that async requests do not hop to a thread for each hook
# (unse/core/inline_middleware.py).
MIDDLEWARE = [
    "unse.core.middleware.request_context_middleware",
    "unse.core.edge.edge_guard_middleware",
    "unse.core.middleware.health_middleware",
    "unse.core.inline_middleware.InlineSecurityMiddleware",
    "unse.core.inline_middleware.StaticFilesMiddleware",
    "unse.core.inline_middleware.InlineCSPMiddleware",
    "unse.core.inline_middleware.InlineSessionMiddleware",
    "unse.core.inline_middleware.InlineCommonMiddleware",
    "unse.core.inline_middleware.InlineCsrfViewMiddleware",
    "unse.core.inline_middleware.InlineAuthenticationMiddleware",
    "unse.core.inline_middleware.InlineMessageMiddleware",
    "unse.core.inline_middleware.InlineXFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "unse.accounts.middleware.PersonalSpaceMiddleware",
    "unse.core.middleware.maintenance_middleware",
    "unse.core.middleware.ErrorMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "unse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
# SQLite file under var/ by default. For PostgreSQL, Django's native psycopg pool is used (CONN_MAX_AGE
# stays 0 because the pool owns connection reuse); DB_PGBOUNCER=true switches to transaction-pooling
# mode: no Django pool and no server-side cursors.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
_db["ATOMIC_REQUESTS"] = False
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"]["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3)
    # A pooled connection is checked before reuse, so the service recovers by itself when the
    # database comes back (no restart): Django passes this to psycopg_pool's check.
    _db["CONN_HEALTH_CHECKS"] = True
    if env_bool("DB_PGBOUNCER", False):
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        _db["OPTIONS"]["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 1),
            "max_size": env_int("DB_POOL_MAX", 10),
            # Fail fast instead of queueing forever when the database is gone.
            "timeout": env_int("DB_POOL_TIMEOUT", 5),
        }
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    _db["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache / redis ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "unse"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ko-kr"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
SITE_ID = 1

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "src" / "unse" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- errors, templates of the error model --------------------------------------------------------------
CSRF_FAILURE_VIEW = "unse.core.responses.csrf_failure"
# Errors under these paths are JSON (the error model); elsewhere a Korean HTML page.
JSON_ERROR_PATH_PREFIXES = ["/api/"]
DB_UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("DB_UNAVAILABLE_RETRY_AFTER_SECONDS", 5)

# --- maintenance mode -----------------------------------------------------------------------------------
MAINTENANCE_MODE = env_bool("MAINTENANCE_MODE", False)
MAINTENANCE_RETRY_AFTER_SECONDS = env_int("MAINTENANCE_RETRY_AFTER_SECONDS", 600)
MAINTENANCE_CHECK_INTERVAL_SECONDS = env_float("MAINTENANCE_CHECK_INTERVAL_SECONDS", 2.0)
# Reachable during maintenance, so a superuser can still sign in (probes never reach this check).
MAINTENANCE_EXEMPT_PATHS = [
    "/accounts/login/",
    "/admin/login/",
    "/static/",
    "/health/",
    "/ready/",
    "/metrics",
]

# --- health, drain, metrics -------------------------------------------------------------------------------
READY_CHECK_TIMEOUT_SECONDS = env_float("READY_CHECK_TIMEOUT_SECONDS", 3.0)
# /ready/ for callers outside METRICS_ALLOWED_IPS/METRICS_TOKEN: status only, checks run at most this often.
READY_PUBLIC_CACHE_SECONDS = env_float("READY_PUBLIC_CACHE_SECONDS", 2.0)
DRAIN_FILE = env_str("DRAIN_FILE", str(VAR_DIR / "drain"))
# /metrics answers only these client addresses (after trusted-proxy resolution) or a bearer token.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env_str("METRICS_TOKEN")
ACCESS_LOG_SKIP_ROUTES = env_list("ACCESS_LOG_SKIP_ROUTES", ["health/", "metrics"])

# --- logging and error reporting --------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = build_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    # No request bodies, query strings, frame locals or personal fields leave (config/sentry.py).
    sentry_sdk.init(
        **sentry_options(
            dsn=SENTRY_DSN,
            environment=env_str("SENTRY_ENVIRONMENT", "production"),
            release=env_str("SENTRY_RELEASE") or None,
            traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        )
    )

# --- security headers (prod.py adds HTTPS-only switches) ---------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Django looks for its own middleware by path and misses our subclasses; unse.core.checks re-runs those
# deployment checks with the subclasses counted (and reports a really missing one as core.W001-W003).
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Extra sources for the Content-Security-Policy; a part's settings module may extend these lists
# (e.g. components/web.py: CSP_EXTRA_SCRIPT_SRC = ["https://cdn.example"]). Scripts never get
# 'unsafe-inline': inline code needs the per-request nonce ({{ request.csp_nonce }}).
CSP_EXTRA_SCRIPT_SRC: list[str] = []
CSP_EXTRA_STYLE_SRC: list[str] = []
CSP_EXTRA_CONNECT_SRC: list[str] = []
CSP_EXTRA_IMG_SRC: list[str] = []
CSP_EXTRA_FONT_SRC: list[str] = []
CSP_EXTRA_FORM_ACTION: list[str] = []

# --- settings of each part, one module each (kept apart so the parts can evolve independently) ------
from config.settings.components.accounts import *  # noqa: E402, F403
from config.settings.components.ai import *  # noqa: E402, F403
from config.settings.components.batch import *  # noqa: E402, F403
from config.settings.components.chats import *  # noqa: E402, F403
from config.settings.components.ops import *  # noqa: E402, F403
from config.settings.components.web import *  # noqa: E402, F403

# --- Content-Security-Policy (built after the parts' modules so their CSP_EXTRA_* lists count) -------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *CSP_EXTRA_SCRIPT_SRC],
        "style-src": [SELF, NONCE, *CSP_EXTRA_STYLE_SRC],
        "img-src": [SELF, "data:", *CSP_EXTRA_IMG_SRC],
        "font-src": [SELF, *CSP_EXTRA_FONT_SRC],
        "connect-src": [SELF, *CSP_EXTRA_CONNECT_SRC],
        "form-action": [SELF, *CSP_EXTRA_FORM_ACTION],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    },
}
