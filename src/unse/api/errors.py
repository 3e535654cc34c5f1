"""Exception handlers of the JSON API: every failure becomes the one error object `{"error": {...}}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from saju.errors import SajuError
from unse.core.errors import ErrorCode, ServiceError
from unse.core.responses import error_response, exception_response, service_error_response

_HTTP_STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.VALIDATION_ERROR,
    401: ErrorCode.AUTH_REQUIRED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def _validation_details(errors: list[dict[str, Any]]) -> dict[str, Any]:
    fields = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        fields.append({"field": ".".join(location), "problem": str(error.get("msg", ""))})
    return {"fields": fields}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return service_error_response(request, exc)

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(
            request,
            ErrorCode.VALIDATION_ERROR,
            message="입력값을 확인해 주세요. 잘못된 항목은 details.fields에 있습니다.",
            details=_validation_details(list(exc.errors)),
        )

    @api.exception_handler(SajuError)
    def on_saju_error(request: HttpRequest, exc: SajuError) -> HttpResponse:
        return error_response(
            request, ErrorCode.VALIDATION_ERROR, message=exc.message, details={"engine_code": exc.code}
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(request, ErrorCode.AUTH_REQUIRED)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _HTTP_STATUS_CODES.get(exc.status_code)
        if code is None:
            return exception_response(request, exc)
        return error_response(request, code)

    @api.exception_handler(Exception)
    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        return exception_response(request, exc)
