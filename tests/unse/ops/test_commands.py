"""`manage.py ops_switch`: the same audited service from a shell; bad input is one Korean line, exit 2."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from unse.core.switch_store import switch_get
from unse.ops.models import AuditEntry, AuditSource

pytestmark = pytest.mark.django_db(transaction=True)


def test_set_get_list_and_reset(django_user_model: Any, capsys: Any) -> None:
    django_user_model.objects.create_user("ops", "ops@example.com", "pw", is_staff=True)
    call_command("ops_switch", "set", "readings.fallback_builtin", "off", "--actor", "ops")
    assert switch_get("readings.fallback_builtin") is False
    call_command("ops_switch", "get", "readings.fallback_builtin")
    call_command("ops_switch", "list")
    out = capsys.readouterr().out
    assert "readings.fallback_builtin = 꺼짐" in out and "\nfalse\n" in out
    assert "* readings.fallback_builtin = 꺼짐" in out
    call_command("ops_switch", "reset", "readings.fallback_builtin", "--actor", "ops")
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "source", "actor_username"))
    assert entries == [
        ("switch.set", AuditSource.COMMAND, "ops"),
        ("switch.reset", AuditSource.COMMAND, "ops"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "ai.daily_token_budget", "12"), "--actor"),
        (("set", "ai.daily_token_budget", "12", "--actor", "nobody"), "관리자 계정이 없습니다"),
        (("set", "ai.daily_token_budget", "abc", "--actor", "ops"), "정수를 입력해 주세요"),
        (("get", "no.such"), "알 수 없는 스위치"),
        (("breaker-reset", "ghost", "--actor", "ops"), "알 수 없는 제공자"),
    ],
)
def test_bad_input_is_a_korean_error_with_exit_code_2(
    django_user_model: Any, args: tuple[str, ...], message: str
) -> None:
    django_user_model.objects.create_user("ops", "ops@example.com", "pw", is_staff=True)
    with pytest.raises(CommandError) as caught:
        call_command("ops_switch", *args)
    assert message in str(caught.value) and caught.value.returncode == 2
    assert not AuditEntry.objects.filter(action__startswith="switch").exists()
