"""The operators' console in the Django admin (Korean, staff only): runtime switches with breaker resets,
the live status page, and the audit trail with CSV export. 2FA: docs/operations.md "Console sign-in"."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from unse.core.switch_store import switch_rows
from unse.core.switches import SWITCHES, SwitchKind, SwitchValueError, provider_names, switch_format
from unse.ops import services
from unse.ops.models import AuditEntry, AuditSource, RuntimeSwitch
from unse.ops.status import status_collect

admin.site.site_header = "사주 명식 운영 콘솔"
admin.site.site_title = "사주 명식 운영"
admin.site.index_title = "운영 관리"

CSV_HEADER = ("시각", "관리자", "출처", "행위", "대상", "변경 전", "변경 후")


@admin.register(RuntimeSwitch)
class RuntimeSwitchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The switch list is the registry (every switch, set or not), not the table's rows."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.switches_view), name="ops_runtimeswitch_changelist"),
            path("status/", wrap(self.status_view), name="ops_status"),
            path("set/", wrap(self.set_view), name="ops_switch_set"),
            path("breaker-reset/", wrap(self.breaker_reset_view), name="ops_breaker_reset"),
        ]

    def _require_change(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def switches_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rows = []
        for row in switch_rows():
            spec = row["spec"]
            rows.append(
                {
                    **row,
                    "shown": switch_format(row["name"], row["value"]),
                    "default_shown": switch_format(row["name"], row["default"]),
                    "input": "" if spec.kind is SwitchKind.BOOL else switch_format(row["name"], row["value"]),
                    "multiline": spec.kind is SwitchKind.MAPPING,
                    "is_bool": spec.kind is SwitchKind.BOOL,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "운영 스위치",
            "opts": self.model._meta,
            "rows": [r for r in rows if r["spec"].editable],
            "providers": provider_names(),
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/ops/switches.html", context)

    def set_view(self, request: HttpRequest) -> HttpResponse:
        self._require_change(request)
        back = HttpResponseRedirect(reverse("admin:ops_runtimeswitch_changelist"))
        if request.method != "POST":
            return back
        name = request.POST.get("name", "")
        if name not in SWITCHES:
            messages.error(request, "알 수 없는 스위치입니다.")
            return back
        try:
            if request.POST.get("reset"):
                services.switch_reset(actor=request.user, name=name)
                messages.success(request, f"'{SWITCHES[name].label}'을(를) 기본값으로 되돌렸습니다.")
            else:
                value = services.switch_set(
                    actor=request.user, name=name, value=request.POST.get("value", "")
                )
                messages.success(
                    request,
                    f"'{SWITCHES[name].label}' = {switch_format(name, value)} (몇 초 안에 모든 서버에 적용)",
                )
        except SwitchValueError as exc:
            messages.error(request, f"'{SWITCHES[name].label}': {exc}")
        return back

    def breaker_reset_view(self, request: HttpRequest) -> HttpResponse:
        self._require_change(request)
        if request.method == "POST":
            provider = request.POST.get("provider", "")
            try:
                services.breaker_reset_by_operator(actor=request.user, provider=provider)
                messages.success(request, f"'{provider}' 차단기를 초기화했습니다.")
            except SwitchValueError as exc:
                messages.error(request, str(exc))
        # Only a page of this site: an unchecked `next` made the console an open redirect (issue 20).
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:ops_status")
        return HttpResponseRedirect(target)

    def status_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "실시간 상태",
            "opts": self.model._meta,
            "report": status_collect(),
            "now": timezone.localtime(),
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/ops/status.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_rows(queryset: QuerySet[AuditEntry]) -> Any:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel opens Korean CSV as UTF-8
    yield writer.writerow(CSV_HEADER)
    for entry in queryset.order_by("created_at", "id").iterator(chunk_size=1000):
        yield writer.writerow(
            (
                timezone.localtime(entry.created_at).isoformat(),
                entry.actor_username,
                entry.get_source_display(),
                entry.action,
                entry.target,
                "" if entry.before is None else _json(entry.before),
                "" if entry.after is None else _json(entry.after),
            )
        )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "actor_username", "source", "action", "target", "before", "after")
    list_filter = ("source", "action", "created_at")
    search_fields = ("actor_username", "action", "target")
    date_hierarchy = "created_at"
    actions = ("export_csv",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path("export/", self.admin_site.admin_view(self.export_all_view), name="ops_auditentry_export"),
            *super().get_urls(),
        ]

    def _csv_response(
        self, request: HttpRequest, queryset: QuerySet[AuditEntry], scope: str
    ) -> StreamingHttpResponse:
        services.audit_record(
            actor=request.user,
            source=AuditSource.CONSOLE,
            action="audit.export",
            target=scope,
            after={"rows": queryset.count()},
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(audit_csv_rows(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response

    @admin.action(description="선택한 감사 기록을 CSV로 내보내기")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> StreamingHttpResponse:
        return self._csv_response(request, queryset, "selected")

    def export_all_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """CSV of the list as filtered on screen (same query string as the change list)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._csv_response(request, changelist.get_queryset(request), "filtered")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        query = request.GET.urlencode()
        export_url = reverse("admin:ops_auditentry_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export_url})
