"""One error model for the whole service, shared by HTML pages, the JSON API and SSE `error` events.

JSON shape (fixed, documented in docs/errors.md):
    {"error": {"code": "RATE_LIMITED", "message": "한국어 안내", "request_id": "…", "details": {…}}}
Every code has its own HTTP status and its own Korean message telling the user what to do next;
there is deliberately no catch-all "AI 연결 불안정" message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True, slots=True)
class _Spec:
    status: int
    message: str


class ErrorCode(Enum):
    VALIDATION_ERROR = _Spec(400, "입력값을 확인해 주세요.")
    AUTH_REQUIRED = _Spec(401, "로그인이 필요합니다. 로그인한 뒤 다시 시도해 주세요.")
    PERMISSION_DENIED = _Spec(403, "이 작업을 할 권한이 없습니다.")
    CSRF_FAILED = _Spec(403, "보안 확인(CSRF)에 실패했습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요.")
    NOT_FOUND = _Spec(404, "요청하신 내용을 찾을 수 없습니다. 주소를 확인해 주세요.")
    METHOD_NOT_ALLOWED = _Spec(405, "지원하지 않는 요청 방식입니다.")
    CONFLICT = _Spec(409, "이미 처리된 요청입니다. 새로고침 후 확인해 주세요.")
    PAYLOAD_TOO_LARGE = _Spec(413, "요청 내용이 너무 큽니다.")
    RATE_LIMITED = _Spec(429, "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")
    AI_QUOTA = _Spec(
        429,
        "오늘 AI 풀이 제공량이 모두 소진되었습니다. 기본 풀이를 보여 드리며, 내일 다시 AI 풀이를 받으실 수 있습니다.",
    )
    INTERNAL = _Spec(
        500,
        "서버에서 예기치 못한 문제가 발생했습니다. 잠시 후 다시 시도해 주세요. 문제가 계속되면 요청 번호와 함께 알려 주세요.",
    )
    AI_BAD_RESPONSE = _Spec(502, "AI가 올바르지 않은 답변을 보냈습니다. 다시 시도해 주세요.")
    AI_UNAVAILABLE = _Spec(503, "AI 풀이 서비스에 일시적으로 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.")
    AI_BUSY = _Spec(503, "지금 풀이 요청이 몰려 있습니다. 잠시 후 다시 시도해 주세요.")
    MAINTENANCE = _Spec(503, "서비스 점검 중입니다. 점검이 끝난 뒤 다시 이용해 주세요.")
    DB_UNAVAILABLE = _Spec(503, "저장소에 일시적으로 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.")
    AI_TIMEOUT = _Spec(504, "AI 응답이 너무 늦어 중단했습니다. 잠시 후 다시 시도해 주세요.")
    INVALID_CHARACTERS = _Spec(
        400, "주소나 입력값에 쓸 수 없는 문자가 들어 있습니다. 확인한 뒤 다시 시도해 주세요."
    )
    MALFORMED_BODY = _Spec(
        400, "보낸 내용의 형식을 읽을 수 없습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요."
    )
    UNSUPPORTED_MEDIA_TYPE = _Spec(415, "JSON 형식(Content-Type: application/json)으로 보내 주세요.")
    AI_TOO_MANY_STREAMS = _Spec(
        429, "이미 여러 풀이를 동시에 받고 계십니다. 진행 중인 풀이가 끝난 뒤 다시 시도해 주세요."
    )

    @property
    def status(self) -> int:
        return self.value.status

    @property
    def message(self) -> str:
        return self.value.message


@dataclass(slots=True)
class ServiceError(Exception):
    """Raised anywhere below a view; the error middleware / API handler turns it into the error object."""

    code: ErrorCode
    message: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    retry_after: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.code.name)

    @property
    def status(self) -> int:
        return self.code.status

    def payload(self, request_id: str | None) -> dict[str, Any]:
        return error_payload(self.code, request_id=request_id, message=self.message, details=self.details)


def error_payload(
    code: ErrorCode,
    *,
    request_id: str | None,
    message: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "error": {
            "code": code.name,
            "message": message or code.message,
            "request_id": request_id or "",
            "details": details or {},
        }
    }
