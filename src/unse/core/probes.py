"""The /metrics probe (answered by the health middleware before host validation; /health/ and /ready/ are
in unse.core.health)."""

from __future__ import annotations

import ipaddress

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from unse.core.errors import ErrorCode
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
