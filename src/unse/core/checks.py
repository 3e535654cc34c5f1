"""`manage.py check --deploy` that sees our middleware.

Django's deployment checks look for its own middleware by dotted path, so the subclasses in
unse/core/inline_middleware.py made them report security.W001-W003 and, worse, silently skip every
check gated on those middleware (HSTS, SSL redirect, secure cookies, X-Frame-Options). base.py silences
W001-W003; this check re-runs Django's middleware-gated checks with each subclass counted as its Django
parent, and reports a missing one under its own id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import checks
from django.core.checks.security import base as security_base
from django.core.checks.security import csrf as security_csrf
from django.core.checks.security import sessions as security_sessions
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.test.utils import override_settings
from django.utils.module_loading import import_string

_PARENTS: dict[type, str] = {
    SecurityMiddleware: "django.middleware.security.SecurityMiddleware",
    XFrameOptionsMiddleware: "django.middleware.clickjacking.XFrameOptionsMiddleware",
    CsrfViewMiddleware: "django.middleware.csrf.CsrfViewMiddleware",
    SessionMiddleware: "django.contrib.sessions.middleware.SessionMiddleware",
}
# Django's ids for "middleware missing" and ours (the originals are silenced in base.py).
_MISSING_IDS = {"security.W001": "core.W001", "security.W002": "core.W002", "security.W003": "core.W003"}


def canonical_middleware(paths: Sequence[str]) -> list[str]:
    """MIDDLEWARE with every subclass of a checked Django middleware replaced by the parent's path."""
    result = []
    for path in paths:
        middleware = import_string(path)
        for parent, parent_path in _PARENTS.items():
            if isinstance(middleware, type) and issubclass(middleware, parent):
                path = parent_path
                break
        result.append(path)
    return result


_GATED_CHECKS = (
    security_base.check_security_middleware,
    security_base.check_xframe_options_middleware,
    security_base.check_sts,
    security_base.check_sts_include_subdomains,
    security_base.check_sts_preload,
    security_base.check_content_type_nosniff,
    security_base.check_ssl_redirect,
    security_base.check_xframe_deny,
    security_base.check_referrer_policy,
    security_base.check_cross_origin_opener_policy,
    security_csrf.check_csrf_middleware,
    security_csrf.check_csrf_cookie_secure,
    security_sessions.check_session_cookie_secure,
    security_sessions.check_session_cookie_httponly,
)


@checks.register(checks.Tags.security, deploy=True)
def check_subclassed_middleware(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    with override_settings(MIDDLEWARE=canonical_middleware(settings.MIDDLEWARE)):
        for check in _GATED_CHECKS:
            for message in check(app_configs=app_configs):
                if message.id in _MISSING_IDS:
                    message = checks.Warning(message.msg, id=_MISSING_IDS[message.id])
                messages.append(message)
    return messages
