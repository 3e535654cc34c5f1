"""The registry of runtime switches: name, Korean label, type, environment default, validation.

A switch without a database row has its default, read from settings (the environment) at every call, so
settings overrides and env flags keep working until an operator sets a value. `parse` turns what an
operator typed into the stored JSON value and raises `SwitchValueError` (Korean message) on bad input.

The registry lives in `core` because every layer reads switches (ai: providers, limits, budget; readings:
fallback, prompt pins); the store is `unse.core.switch_store`, the audited console is `unse.ops`. A check
that needs a higher layer's knowledge (which prompt versions ship) is added by that layer at start-up with
`switch_check_register`, so this module never imports upward.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.conf import settings
from limits import parse_many


class SwitchValueError(ValueError):
    """The operator's input is not a valid value of the switch (message in Korean)."""


class SwitchKind(Enum):
    BOOL = "bool"
    INT = "int"
    TEXT = "text"
    NAMES = "names"  # ordered list of provider names
    MAPPING = "mapping"  # "key=value" lines


@dataclass(frozen=True, slots=True)
class SwitchSpec:
    name: str
    label: str
    help: str
    kind: SwitchKind
    default: Callable[[], Any]
    check: Callable[[Any], None] | None = None
    editable: bool = True  # False: changed only by a console action (breaker resets)


TRUE_WORDS = frozenset({"1", "true", "yes", "on", "켜기", "켜짐", "예"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "끄기", "꺼짐", "아니오", ""})


def provider_names() -> list[str]:
    return [str(entry["name"]) for entry in settings.LLM_PROVIDERS if entry.get("name")]


def _check_provider_names(value: Any) -> None:
    known = set(provider_names())
    unknown = [name for name in value if name not in known]
    if unknown:
        shown = ", ".join(sorted(known)) or "(설정된 제공자 없음)"
        raise SwitchValueError(f"알 수 없는 제공자: {', '.join(unknown)}. 사용할 수 있는 이름: {shown}")
    if len(set(value)) != len(value):
        raise SwitchValueError("같은 제공자 이름이 두 번 들어 있습니다.")


def _check_rate_spec(value: Any) -> None:
    if not str(value).strip():
        return
    try:
        parse_many(str(value))
    except ValueError as exc:
        raise SwitchValueError(f"속도 제한 형식이 올바르지 않습니다(예: 5/hour;10/day): {exc}") from exc


def _check_budget(value: Any) -> None:
    if value < 0:
        raise SwitchValueError("일일 토큰 예산은 0 이상이어야 합니다(0 = 제한 없음).")


SWITCHES: dict[str, SwitchSpec] = {
    spec.name: spec
    for spec in (
        SwitchSpec(
            "maintenance",
            "점검 모드",
            "켜면 최고 관리자를 뺀 모든 사용자에게 점검 안내(503)를 보여 줍니다. 환경 변수 MAINTENANCE_MODE와 별개입니다.",
            SwitchKind.BOOL,
            lambda: False,
        ),
        SwitchSpec(
            "providers.order",
            "AI 제공자 순서",
            "쉼표로 구분한 제공자 이름. 앞의 제공자부터 시도합니다. 빠진 제공자는 설정 순서대로 뒤에 붙습니다.",
            SwitchKind.NAMES,
            provider_names,
            _check_provider_names,
        ),
        SwitchSpec(
            "providers.disabled",
            "끈 AI 제공자",
            "쉼표로 구분한 제공자 이름. 여기 있는 제공자는 호출하지 않습니다(모두 끄면 기본 풀이만 제공).",
            SwitchKind.NAMES,
            lambda: [],
            _check_provider_names,
        ),
        SwitchSpec(
            "ratelimit.anon",
            "비로그인 사용자 속도 제한",
            "IP(IPv6는 /64)마다 새 AI 풀이 요청 수. 형식: 5/hour;10/day. 비우면 제한 없음.",
            SwitchKind.TEXT,
            lambda: settings.RATE_LIMIT_ANON,
            _check_rate_spec,
        ),
        SwitchSpec(
            "ratelimit.user",
            "로그인 사용자 속도 제한",
            "사용자마다 새 AI 풀이 요청 수. 형식: 30/hour;100/day. 비우면 제한 없음.",
            SwitchKind.TEXT,
            lambda: settings.RATE_LIMIT_USER,
            _check_rate_spec,
        ),
        SwitchSpec(
            "ratelimit.anon_global",
            "비로그인 전체 속도 제한",
            "모든 비로그인 사용자를 합한 새 AI 풀이 요청 수. 형식: 1000/hour.",
            SwitchKind.TEXT,
            lambda: settings.RATE_LIMIT_ANON_GLOBAL,
            _check_rate_spec,
        ),
        SwitchSpec(
            "ratelimit.free",
            "기본 풀이 속도 제한",
            "AI를 쓰지 않는 기본 풀이(규칙 풀이) 요청 수, IP(로그인하면 사용자)마다. AI 제한과 따로 셉니다. 형식: 60/minute;600/hour.",
            SwitchKind.TEXT,
            lambda: settings.RATE_LIMIT_FREE,
            _check_rate_spec,
        ),
        SwitchSpec(
            "ai.daily_token_budget",
            "일일 AI 토큰 예산",
            "한국 시간 하루 동안 쓸 수 있는 토큰 수. 다 쓰면 기본 풀이로 대신합니다. 0 = 제한 없음.",
            SwitchKind.INT,
            lambda: settings.AI_DAILY_TOKEN_BUDGET,
            _check_budget,
        ),
        SwitchSpec(
            "readings.fallback_builtin",
            "기본 풀이로 대신하기",
            "모든 AI 제공자가 실패하면 규칙 기반 기본 풀이를 보여 줍니다. 끄면 오류를 보여 줍니다.",
            SwitchKind.BOOL,
            lambda: settings.READINGS_FALLBACK_BUILTIN,
        ),
        SwitchSpec(
            "prompts.active",
            "사용할 프롬프트 버전",
            "한 줄에 하나씩 '종류/주제/말투=버전' (예: saju/general/warm=2026-12-a). 없는 줄은 현재 프롬프트를 씁니다.",
            SwitchKind.MAPPING,
            lambda: {},
            # Added by unse.readings at start-up (switch_check_register): which versions ship is its knowledge.
        ),
        SwitchSpec(
            "breaker.resets",
            "차단기 초기화 기록",
            "제공자별 마지막 초기화 시각(차단기 초기화 동작이 기록합니다).",
            SwitchKind.MAPPING,
            lambda: {},
            editable=False,
        ),
    )
}


_extra_checks: dict[str, Callable[[Any], None]] = {}


def switch_check_register(name: str, check: Callable[[Any], None]) -> None:
    """Add the validation of switch `name` that only a higher layer can do (called from an AppConfig.ready)."""
    spec_of(name)
    _extra_checks[name] = check


def spec_of(name: str) -> SwitchSpec:
    try:
        return SWITCHES[name]
    except KeyError as exc:
        raise SwitchValueError(f"알 수 없는 스위치: {name}") from exc


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SwitchValueError("켜기(true) 또는 끄기(false)로 입력해 주세요.")


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise SwitchValueError("정수를 입력해 주세요.")
    try:
        return int(str(value).strip().replace(",", "").replace("_", ""))
    except ValueError as exc:
        raise SwitchValueError("정수를 입력해 주세요.") from exc


def _as_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value).replace("\n", ",").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _as_mapping(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    text = str(value).strip()
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise SwitchValueError("JSON 형식이 올바르지 않습니다.") from exc
        if not isinstance(loaded, dict):
            raise SwitchValueError("'키=값' 줄 또는 JSON 객체로 입력해 주세요.")
        return {str(k).strip(): str(v).strip() for k, v in loaded.items()}
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, item = line.partition("=")
        if not sep or not key.strip() or not item.strip():
            raise SwitchValueError(f"'{line.strip()}' 줄은 '키=값' 형식이 아닙니다.")
        mapping[key.strip()] = item.strip()
    return mapping


_NORMALIZERS: dict[SwitchKind, Callable[[Any], Any]] = {
    SwitchKind.BOOL: _as_bool,
    SwitchKind.INT: _as_int,
    SwitchKind.TEXT: lambda value: str(value).strip(),
    SwitchKind.NAMES: _as_names,
    SwitchKind.MAPPING: _as_mapping,
}


def _normalize(spec: SwitchSpec, value: Any) -> Any:
    """A JSON value of the right type (from the admin form, the command line or a test)."""
    return _NORMALIZERS[spec.kind](value)


def switch_parse(name: str, value: Any) -> Any:
    """Validate and normalize a value for switch `name` (raises SwitchValueError)."""
    spec = spec_of(name)
    normalized = _normalize(spec, value)
    if spec.check is not None:
        spec.check(normalized)
    if (extra := _extra_checks.get(name)) is not None:
        extra(normalized)
    return normalized


def switch_format(name: str, value: Any) -> str:
    """How a value is shown and edited in the console (the inverse of `switch_parse`)."""
    spec = spec_of(name)
    if spec.kind is SwitchKind.BOOL:
        return "켜짐" if value else "꺼짐"
    if spec.kind is SwitchKind.NAMES:
        return ", ".join(value)
    if spec.kind is SwitchKind.MAPPING:
        return "\n".join(f"{k}={v}" for k, v in dict(value).items())
    return str(value)
