"""Requests refused at the edge, before any view, lookup or body parsing (issue 20, findings 9 and 14).

- A NUL byte in the path or the query string: PostgreSQL refuses it in text (a 500 before), and no URL of
  ours ever holds one → 400 INVALID_CHARACTERS.
- A write to the JSON API whose body is not JSON → 415 UNSUPPORTED_MEDIA_TYPE. A `text/plain` or form body
  is a "simple" cross-origin request that any web page can make a visitor's browser send without a CORS
  preflight (spending that visitor's anonymous AI quota); `application/json` always needs one.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from unse.core.errors import ErrorCode
from unse.core.middleware import AsyncGetResponse, GetResponse, Middleware
from unse.core.responses import error_response

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _has_body(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return chunked or (length.isdigit() and int(length) > 0) or not length.isdigit()


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def edge_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """The refusal of a request that must not go further, or None."""
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path_info or "\x00" in query or "%00" in query:
        return error_response(request, ErrorCode.INVALID_CHARACTERS)
    path = request.path_info
    if (
        request.method in _WRITES
        and any(path.startswith(prefix) for prefix in settings.JSON_ERROR_PATH_PREFIXES)
        and _has_body(request)
        and not _is_json(request.META.get("CONTENT_TYPE", ""))
    ):
        return error_response(request, ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    return None


@sync_and_async_middleware
def edge_guard_middleware(get_response: GetResponse | AsyncGetResponse) -> Middleware:
    if iscoroutinefunction(get_response):
        async_get_response: AsyncGetResponse = get_response

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            return edge_refusal(request) or await async_get_response(request)

        return async_middleware

    sync_get_response: GetResponse = get_response  # type: ignore[assignment]

    def middleware(request: HttpRequest) -> HttpResponseBase:
        return edge_refusal(request) or sync_get_response(request)

    return middleware
