"""The /metrics and /ready/ probes (answered by the health middleware before host validation; the checks
behind /ready/ and /health/ are in unse.core.health)."""

from __future__ import annotations

import ipaddress
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare

from unse.core.drain import is_draining
from unse.core.errors import ErrorCode
from unse.core.health import CheckResult, run_readiness_checks, summarize
from unse.core.metrics import render_metrics
from unse.core.request import client_ip
from unse.core.responses import error_response


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token and constant_time_compare(request.META.get("HTTP_AUTHORIZATION", ""), f"Bearer {token}"):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


async def metrics_view(request: HttpRequest) -> HttpResponse:
    # Hidden (404), not forbidden, from anyone outside the allow-list: it tells a scanner nothing.
    if not metrics_allowed(request):
        return error_response(request, ErrorCode.NOT_FOUND)
    # Multiprocess collection reads files: keep it off the event loop.
    body, content_type = await sync_to_async(render_metrics, thread_sensitive=False)()
    return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})


# The last results a public caller got, per process: (monotonic time, results).
_public_results: tuple[float, list[CheckResult]] | None = None


async def _results_for_public() -> list[CheckResult]:
    """Readiness for callers outside the allow-list, run at most once per READY_PUBLIC_CACHE_SECONDS: the
    checks are database, cache and Redis round-trips that a stranger must not be able to multiply."""
    global _public_results
    now = time.monotonic()
    if _public_results is not None and now - _public_results[0] < settings.READY_PUBLIC_CACHE_SECONDS:
        return _public_results[1]
    results = await run_readiness_checks()
    _public_results = (now, results)
    return results


async def ready_view(request: HttpRequest) -> HttpResponse:
    """Status code and overall status for everyone (what a load balancer needs); each check's detail
    (hosts, ports, exception text) only for the metrics allow-list or token."""
    headers = {"Cache-Control": "no-store"}
    if metrics_allowed(request):
        status_code, body = summarize(await run_readiness_checks(), draining=is_draining())
        return JsonResponse(body, status=status_code, headers=headers)
    status_code, body = summarize(await _results_for_public(), draining=is_draining())
    return JsonResponse({"status": body["status"]}, status=status_code, headers=headers)
