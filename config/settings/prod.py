"""Production (and the default module): refuses to start without a real SECRET_KEY and field-encryption
keys; HTTPS behind a proxy without redirect loops."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int

from .base import *  # noqa: F403
from .base import (
    DEV_SECRET_KEY,
    FIELD_ENCRYPTION_ALLOW_DERIVED_KEY,
    FIELD_ENCRYPTION_KEYS,
    SECRET_KEY,
    SILENCED_SYSTEM_CHECKS,
    TEST_SECRET_KEY,
)

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
if SECRET_KEY in {DEV_SECRET_KEY, TEST_SECRET_KEY} or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY is a public development key; set a secret one")
# A key derived from SECRET_KEY would make every stored profile readable to whoever learns that one secret.
if FIELD_ENCRYPTION_ALLOW_DERIVED_KEY:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_ALLOW_DERIVED_KEY must be off in production")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production")

# nginx terminates TLS and sets X-Forwarded-Proto from its own $scheme; trusting it is what prevents the
# redirect loop.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading binds the domain and every subdomain to HTTPS in browsers for months: an operator's opt-in,
# so its "not preloaded" warning (W021) is no finding.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
