"""Admin: every look at personal data is written to AdminAccessLog (who, what, when).

Birth data and API keys are never shown in the admin at all; staff see only what support needs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponse

from unse.accounts.models import (
    AdminAccessLog,
    ConsentRecord,
    EmailOutbox,
    FavouriteDate,
    GuardianConsent,
    PersonalApiKey,
    Profile,
    User,
)
from unse.accounts.services import access_log as access_log_services


class AccessLoggedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def _log(self, request: HttpRequest, action: str, object_id: str = "") -> None:
        access_log_services.admin_access_log(
            staff=request.user,
            action=action,
            model_label=self.model._meta.label,
            object_id=object_id,
            path=request.get_full_path(),
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._log(request, "list")
        return super().changelist_view(request, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._log(request, "change" if request.method == "POST" else "view", object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._log(request, "delete", object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._log(request, "history", object_id)
        return super().history_view(request, object_id, extra_context)


@admin.register(User)
class LoggedUserAdmin(AccessLoggedAdmin, UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "email", "is_active", "is_staff", "date_joined", "deleted_at")
    list_filter = ("is_active", "is_staff", "deleted_at")
    search_fields = ("username", "email")
    readonly_fields = ("public_id", "deleted_at", "last_seen_at", "last_login", "date_joined")


@admin.register(Profile)
class ProfileAdmin(AccessLoggedAdmin):
    list_display = ("label", "relation", "user", "is_default", "daily_fortune", "created_at")
    exclude = ("birth",)
    readonly_fields = ("public_id", "user")
    list_select_related = ("user",)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AccessLoggedAdmin):
    list_display = ("user", "kind", "policy_version", "granted_at", "withdrawn_at")
    list_filter = ("kind", "policy_version")
    readonly_fields = ("user", "kind", "policy_version", "granted_at")
    list_select_related = ("user",)


@admin.register(GuardianConsent)
class GuardianConsentAdmin(AccessLoggedAdmin):
    list_display = ("user", "requested_at", "confirmed_at")
    exclude = ("token_hash",)
    readonly_fields = ("user", "guardian_name", "guardian_email", "requested_at", "confirmed_at")
    list_select_related = ("user",)


@admin.register(FavouriteDate)
class FavouriteDateAdmin(AccessLoggedAdmin):
    list_display = ("label", "day", "user", "colour")
    readonly_fields = ("public_id", "user")
    list_select_related = ("user",)


@admin.register(PersonalApiKey)
class PersonalApiKeyAdmin(AccessLoggedAdmin):
    list_display = ("user", "last_four", "model", "updated_at")
    exclude = ("key",)
    readonly_fields = ("user", "last_four", "base_url", "model")
    list_select_related = ("user",)


@admin.register(EmailOutbox)
class EmailOutboxAdmin(AccessLoggedAdmin):
    list_display = ("template", "to_email", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "template")
    # Never the bodies: they hold live verification, reset and guardian-consent links.
    exclude = ("body_text", "body_html")
    readonly_fields = (
        "user",
        "template",
        "to_email",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )


@admin.register(AdminAccessLog)
class AdminAccessLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "staff_username", "action", "model_label", "object_id")
    list_filter = ("action", "model_label")
    search_fields = ("staff_username", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
