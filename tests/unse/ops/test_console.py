"""The console in the admin: staff only, switches with audit, breaker reset, live status, audit CSV export,
and the maintenance switch's effect on the next request."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from unse.ai.breaker import BreakerState, breaker_record, breaker_state
from unse.core.switch_store import switch_get
from unse.fortunes.models import BatchRun, BatchSource, BatchStatus
from unse.ops.models import AuditEntry, AuditSource, RuntimeSwitch
from unse.ops.services import switch_set

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDERS = [
    {"name": "alpha", "base_url": "http://127.0.0.1:9/v1", "api_key": "k", "model": "m1"},
    {"name": "beta", "base_url": "http://127.0.0.1:9/v1", "api_key": "k", "model": "m2"},
]


@pytest.fixture
def operator(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return user


def test_console_is_staff_only(client: Any, django_user_model: Any) -> None:
    member = django_user_model.objects.create_user("member", "m@example.com", "pw")
    client.force_login(member)
    for name in ("admin:ops_runtimeswitch_changelist", "admin:ops_status", "admin:ops_auditentry_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse("admin:ops_switch_set"), {"name": "maintenance", "value": "true"})
    assert response.status_code == 302 and not RuntimeSwitch.objects.exists()


def test_switch_page_lists_every_switch_in_korean(client: Any, operator: Any) -> None:
    page = client.get(reverse("admin:ops_runtimeswitch_changelist")).content.decode()
    for label in (
        "점검 모드",
        "AI 제공자 순서",
        "끈 AI 제공자",
        "비로그인 사용자 속도 제한",
        "일일 AI 토큰 예산",
        "기본 풀이로 대신하기",
        "사용할 프롬프트 버전",
        "사주 명식 운영 콘솔",
    ):
        assert label in page


def test_setting_a_switch_from_the_console_is_applied_and_audited(client: Any, operator: Any) -> None:
    response = client.post(
        reverse("admin:ops_switch_set"), {"name": "ai.daily_token_budget", "value": "5000"}, follow=True
    )
    assert "몇 초 안에 모든 서버에 적용" in response.content.decode()
    assert switch_get("ai.daily_token_budget") == 5000
    entry = AuditEntry.objects.get(action="switch.set")
    assert entry.actor == operator and entry.after == 5000
    page = client.get(reverse("admin:ops_runtimeswitch_changelist")).content.decode()
    assert "root" in page  # who changed it last


def test_a_bad_value_is_refused_with_a_message_and_nothing_changes(client: Any, operator: Any) -> None:
    response = client.post(
        reverse("admin:ops_switch_set"), {"name": "ratelimit.anon", "value": "lots"}, follow=True
    )
    assert "속도 제한 형식이 올바르지 않습니다" in response.content.decode()
    assert not RuntimeSwitch.objects.exists() and not AuditEntry.objects.filter(action="switch.set").exists()


def test_reset_button_returns_to_the_default(client: Any, operator: Any, settings: Any) -> None:
    switch_set(actor=operator, name="ratelimit.user", value="1/hour")
    client.post(reverse("admin:ops_switch_set"), {"name": "ratelimit.user", "reset": "기본값으로"})
    assert switch_get("ratelimit.user") == settings.RATE_LIMIT_USER
    assert AuditEntry.objects.filter(action="switch.reset", actor=operator).count() == 1


def test_maintenance_switch_closes_the_site_on_the_next_request(
    client: Any, operator: Any, django_user_model: Any
) -> None:
    visitor = django_user_model.objects.create_user("visitor", "v@example.com", "pw")
    client.post(reverse("admin:ops_switch_set"), {"name": "maintenance", "value": "true"})
    client.force_login(visitor)
    response = client.get("/", HTTP_ACCEPT="text/html")
    assert response.status_code == 503 and "점검" in response.content.decode()
    api = client.get("/api/v1/readings/unknown-id")
    assert api.status_code == 503 and json.loads(api.content)["error"]["code"] == "MAINTENANCE"
    client.force_login(operator)  # the superuser still gets through, and switches it off
    assert client.get("/").status_code == 200
    client.post(reverse("admin:ops_switch_set"), {"name": "maintenance", "value": "false"})
    client.force_login(visitor)
    assert client.get("/").status_code == 200


def test_breaker_reset_closes_an_open_breaker_and_is_audited(
    client: Any, operator: Any, settings: Any
) -> None:
    with override_settings(
        LLM_PROVIDERS=PROVIDERS, AI_REDIS_PREFIX="test:ops:breaker", AI_BREAKER_OPEN_SECONDS=600
    ):
        for _ in range(settings.AI_BREAKER_CONSECUTIVE_FAILURES):
            async_to_sync(breaker_record)("alpha", ok=False)
        assert async_to_sync(breaker_state)("alpha") is BreakerState.OPEN
        status = client.get(reverse("admin:ops_status")).content.decode()
        assert "차단(열림)" in status
        response = client.post(reverse("admin:ops_breaker_reset"), {"provider": "alpha"}, follow=True)
        assert "차단기를 초기화했습니다" in response.content.decode()
        assert async_to_sync(breaker_state)("alpha") is BreakerState.CLOSED
    entry = AuditEntry.objects.get(action="breaker.reset")
    assert (entry.target, entry.before, entry.after, entry.actor) == ("alpha", "open", "closed", operator)
    assert "alpha" in switch_get("breaker.resets")


def test_status_page_shows_providers_budget_streams_queues_and_last_batch(client: Any, operator: Any) -> None:
    BatchRun.objects.create(
        source=BatchSource.COMMAND,
        status=BatchStatus.FAILED,
        base_date=date(2026, 11, 23),
        target_date=date(2026, 11, 24),
        targets=100,
        done=80,
        failed=20,
    )
    with override_settings(LLM_PROVIDERS=PROVIDERS, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        switch_set(actor=operator, name="providers.disabled", value="beta")
        switch_set(actor=operator, name="ai.daily_token_budget", value=1000)
        page = client.get(reverse("admin:ops_status")).content.decode()
    assert "실시간 상태" in page
    assert 'data-provider="alpha"' in page and 'data-provider="beta"' in page
    assert "정상(닫힘)" in page
    assert "/ 1,000 토큰" in page
    assert "(이 프로세스)" in page  # open streams of this worker (no multiprocess metrics dir in tests)
    assert "2026-11-24" in page and "실패율 초과" in page and "실패 20" in page
    assert "확인 실패 — 작업 대기열" in page  # an unreachable broker is reported, not a 500


def test_audit_trail_is_exported_as_csv_and_the_export_is_audited(client: Any, operator: Any) -> None:
    switch_set(actor=operator, name="ai.daily_token_budget", value=4321)
    switch_set(actor=operator, name="maintenance", value=True)
    response = client.get(reverse("admin:ops_auditentry_export") + "?action__exact=switch.set")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["시각", "관리자", "출처", "행위", "대상", "변경 전", "변경 후"]
    assert [(r[1], r[3], r[4], r[6]) for r in rows[1:]] == [
        ("root", "switch.set", "ai.daily_token_budget", "4321"),
        ("root", "switch.set", "maintenance", "true"),
    ]
    export = AuditEntry.objects.get(action="audit.export")
    assert export.actor == operator and export.after == {"rows": 2}
    switch_set(actor=operator, name="maintenance", value=False)


def test_audit_list_is_read_only_and_offers_the_export(client: Any, operator: Any) -> None:
    switch_set(actor=operator, name="ai.daily_token_budget", value=10)
    page = client.get(reverse("admin:ops_auditentry_changelist")).content.decode()
    assert "보이는 목록을 CSV로 내보내기" in page and "ai.daily_token_budget" in page
    entry = AuditEntry.objects.first()
    assert (
        client.post(reverse("admin:ops_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_every_staff_action_lands_in_the_audit_trail(client: Any, operator: Any) -> None:
    client.get(reverse("admin:accounts_user_changelist"))  # a look at personal data (AdminAccessLog)
    LogEntry.objects.log_actions(
        user_id=operator.pk,
        queryset=[operator],
        action_flag=CHANGE,
        change_message="이메일 수정",
    )
    sources = dict(AuditEntry.objects.values_list("action", "source"))
    assert sources["access.list"] == AuditSource.ACCESS
    assert sources["admin.change"] == AuditSource.ADMIN
    change = AuditEntry.objects.get(action="admin.change")
    assert change.actor == operator and change.target == f"accounts.user:{operator.pk}"
    assert ContentType.objects.get_for_model(operator).model == "user"


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"])
def test_breaker_reset_never_redirects_off_site(client: Any, operator: Any, target: str) -> None:
    with override_settings(LLM_PROVIDERS=PROVIDERS, AI_REDIS_PREFIX="test:ops:next"):
        response = client.post(reverse("admin:ops_breaker_reset"), {"provider": "alpha", "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("admin:ops_status")


def test_breaker_reset_returns_to_a_page_of_this_site(client: Any, operator: Any) -> None:
    with override_settings(LLM_PROVIDERS=PROVIDERS, AI_REDIS_PREFIX="test:ops:next"):
        response = client.post(reverse("admin:ops_breaker_reset"), {"provider": "alpha", "next": "/admin/"})
    assert response["Location"] == "/admin/"
