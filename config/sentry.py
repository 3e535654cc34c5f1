"""What Sentry may receive: no request bodies, no query strings, no frame locals, no field named like
personal data (birth data, e-mail, passwords, tokens). Used by config/settings/base.py; pure Python."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

FILTERED = "[Filtered]"
# Keys whose values are personal or secret wherever they appear in an event (request, extra, contexts,
# breadcrumbs, tags): birth data (the forms' and the API's field names), e-mail, credentials.
_SENSITIVE_KEY = re.compile(
    r"birth|e-?mail|mail_to|password|passwd|secret|token|api_?key|authorization|cookie|session|csrf"
    r"|guardian|phone|^(year|month|day|hour|minute|gender|calendar|lunar|leap|is_leap|time_unknown|place"
    r"|longitude|latitude|label|memo|question|content|text|body|data|query_string|q)$",
    re.IGNORECASE,
)


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and _SENSITIVE_KEY.search(key):
                cleaned[key] = FILTERED
            elif (
                isinstance(key, str)
                and key.lower() in {"url", "from", "to", "referer"}
                and isinstance(item, str)
            ):
                cleaned[key] = _strip_query(item)
            else:
                cleaned[key] = _scrub(item)
        return cleaned
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Drop the request's body, cookies and query string, cut query strings off URLs, mask sensitive keys."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = _strip_query(request["url"])
    for frame_holder in _frames(event):
        frame_holder.pop("vars", None)
    scrubbed: dict[str, Any] = _scrub(event)
    return scrubbed


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    scrubbed: dict[str, Any] = _scrub(crumb)
    return scrubbed


def _frames(event: dict[str, Any]) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    for section in ("exception", "threads"):
        for item in (event.get(section) or {}).get("values") or []:
            frames.extend((item.get("stacktrace") or {}).get("frames") or [])
    return frames


def sentry_options(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> dict[str, Any]:
    """Keyword arguments of sentry_sdk.init (the fake-Sentry test uses the same ones)."""
    return {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "traces_sample_rate": traces_sample_rate,
        "send_default_pii": False,
        "include_local_variables": False,
        "max_request_body_size": "never",
        "before_send": before_send,
        "before_breadcrumb": before_breadcrumb,
    }
