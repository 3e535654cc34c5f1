"""Settings owned by the accounts part of the service; star-imported at the end of base.py.

Every value comes from an environment variable (README "계정·소셜 로그인 설정", docs/privacy.md).
"""

from __future__ import annotations

import os
from typing import Any

from config.env import env_bool, env_int, env_list, env_str

# --- field encryption (profiles' birth data, personal LLM keys) ---------------------------------------
# Comma-separated Fernet keys, newest first: new values are encrypted with the first, every key still
# decrypts, `manage.py rotate_field_encryption` re-encrypts old rows with the first (docs/privacy.md).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
# Without keys, dev and test derive one from SECRET_KEY so that `make run` works out of the box;
# production settings (also the default module) refuse to start without keys or with a derived one.
_settings_flavour = os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.prod").rsplit(".", 1)[-1]
FIELD_ENCRYPTION_ALLOW_DERIVED_KEY = env_bool(
    "FIELD_ENCRYPTION_ALLOW_DERIVED_KEY", _settings_flavour in {"dev", "test"}
)

# --- allauth ---------------------------------------------------------------------------------------
ACCOUNT_ADAPTER = "unse.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "unse.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[사주 명식] "
ACCOUNT_FORMS = {"signup": "unse.accounts.forms.SignupForm", "login": "unse.accounts.forms.LoginForm"}
SOCIALACCOUNT_FORMS = {"signup": "unse.accounts.forms.SocialSignupForm"}
# The social sign-up form is always shown so that consent and the age gate cannot be skipped.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
LOGIN_REDIRECT_URL = "/me/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "사주 명식 <no-reply@localhost>")

# Brute-force limits (allauth's cache-backed limiter; the cache is Redis when REDIS_URL is set, so the
# counts are shared by every ASGI worker). Format "<n>/<period>/<ip|key|user>", see allauth docs.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "10/m/ip"),
    "reset_password": env_str("RATE_LIMIT_RESET_PASSWORD", "10/m/ip,3/m/key"),
    "reset_password_from_key": env_str("RATE_LIMIT_RESET_PASSWORD_FROM_KEY", "20/m/ip"),
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# --- social providers: enabled only when both id and secret are set ----------------------------------
# The *_BASE_URL variables exist for tests (a loopback stand-in of the provider); leave them empty.
SOCIAL_PROVIDER_ENV = (
    ("kakao", "KAKAO"),
    ("naver", "NAVER"),
    ("google", "GOOGLE"),
)


def _social_providers() -> dict[str, dict[str, Any]]:
    providers: dict[str, dict[str, Any]] = {}
    for provider, prefix in SOCIAL_PROVIDER_ENV:
        client_id = env_str(f"{prefix}_CLIENT_ID")
        secret = env_str(f"{prefix}_CLIENT_SECRET")
        config: dict[str, Any] = {}
        if client_id and secret:
            config["APPS"] = [{"client_id": client_id, "secret": secret, "key": ""}]
        if provider == "google":
            config["SCOPE"] = ["profile", "email"]
            config["AUTH_PARAMS"] = {"access_type": "online"}
            config["OAUTH_PKCE_ENABLED"] = True
        providers[provider] = config
    return providers


SOCIALACCOUNT_PROVIDERS = _social_providers()
# Test-only endpoint override: "<scheme>://<host>:<port>" of a stand-in OAuth server (see adapters.py).
SOCIAL_PROVIDER_BASE_URLS: dict[str, str] = {
    provider: env_str(f"{prefix}_OAUTH_BASE_URL") for provider, prefix in SOCIAL_PROVIDER_ENV
}

# --- e-mail outbox --------------------------------------------------------------------------------
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)
# A claimed row whose sender died is retried after this lease.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)
# Sent rows keep the recipient address; they are purged after this many days.
OUTBOX_SENT_RETENTION_DAYS = env_int("OUTBOX_SENT_RETENTION_DAYS", 30)
# Rows that failed for good (bodies already blanked) are deleted after this many days.
OUTBOX_FAILED_RETENTION_DAYS = env_int("OUTBOX_FAILED_RETENTION_DAYS", 7)
# Deliver right after commit in the request's worker thread; off = only `deliver_outbox` / Celery.
OUTBOX_DELIVER_ON_COMMIT = env_bool("OUTBOX_DELIVER_ON_COMMIT", True)

# --- privacy ------------------------------------------------------------------------------------------
PRIVACY_POLICY_VERSION = env_str("PRIVACY_POLICY_VERSION", "2026-11-24")
PRIVACY_OFFICER_EMAIL = env_str("PRIVACY_OFFICER_EMAIL", "privacy@localhost")
UNVERIFIED_ACCOUNT_DAYS = env_int("UNVERIFIED_ACCOUNT_DAYS", 3)
GUARDIAN_CONSENT_DAYS = env_int("GUARDIAN_CONSENT_DAYS", 7)
ACCOUNTS_PAGE_SIZE = env_int("ACCOUNTS_PAGE_SIZE", 20)
# Children under 14 (개인정보보호법 제22조의2): "guardian" = sign-up waits for the guardian's e-mailed
# consent; "refuse" = sign-up is refused.
ACCOUNTS_UNDER_14_POLICY = env_str("ACCOUNTS_UNDER_14_POLICY", "guardian")

# Periodic jobs of the accounts part, for Celery beat (merged into CELERY_BEAT_SCHEDULE by the batch
# settings); without beat, run the same management commands from cron.
ACCOUNTS_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "accounts-deliver-outbox": {"task": "accounts.deliver_outbox", "schedule": 60.0},
    "accounts-delete-unverified-users": {
        "task": "accounts.delete_unverified_users",
        "schedule": 24 * 60 * 60.0,
        "args": (UNVERIFIED_ACCOUNT_DAYS,),
    },
}
