"""The published OpenAPI schema (/api/v1/openapi.json) says what the API really does (issue 20, found by
schemathesis; the full fuzz run is tests/reliability/test_api_fuzz.py): every personal-space operation
documents its error statuses, and inputs the schema forbids are refused rather than coerced."""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
from django.test import AsyncClient, Client

from saju.birth import DATETIME_PATTERN

pytestmark = pytest.mark.django_db(transaction=True)

BIRTH = {"datetime": "1990-05-17T14:30", "timezone": "Asia/Seoul"}


def _schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def test_every_personal_operation_documents_its_error_statuses() -> None:
    paths = _schema()["paths"]
    me = [
        (path, method, op)
        for path, ops in paths.items()
        if path.startswith("/api/v1/me")
        for method, op in ops.items()
    ]
    assert len(me) >= 24
    for path, method, operation in me:
        assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
        error = operation["responses"]["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


def test_birth_datetime_carries_the_engines_pattern() -> None:
    birth = _schema()["components"]["schemas"]["BirthIn"]
    assert birth["properties"]["datetime"]["pattern"] == f"^{DATETIME_PATTERN}$"
    assert re.fullmatch(birth["properties"]["datetime"]["pattern"], "1990-05-17T14:30")
    assert not re.fullmatch(birth["properties"]["datetime"]["pattern"], "")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_unknown", 0),
        ("leap", 0),
        ("time_unknown", "true"),
        ("fold", "1"),
        ("fold", 2),
        ("datetime", ""),
    ],
)
async def test_a_value_the_schema_forbids_is_a_korean_validation_error(field: str, value: object) -> None:
    body = {"birth": {**BIRTH, field: value}}
    response = await AsyncClient().post(
        "/api/v1/charts", data=orjson.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in error["message"])


async def test_the_same_birth_with_json_booleans_is_accepted() -> None:
    body = {"birth": {**BIRTH, "time_unknown": False, "leap": False, "fold": 0}}
    response = await AsyncClient().post(
        "/api/v1/charts", data=orjson.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content[:300]
