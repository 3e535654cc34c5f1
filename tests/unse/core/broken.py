"""A middleware that fails, to prove failures outside views still end in the error model."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def explode_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("middleware secret 999")

    return middleware
