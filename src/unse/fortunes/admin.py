from __future__ import annotations

from django.contrib import admin

from unse.fortunes.models import BatchFailure, BatchRun


class BatchFailureInline(admin.TabularInline):  # type: ignore[type-arg]  # generic only in django-stubs
    model = BatchFailure
    extra = 0
    can_delete = False
    readonly_fields = ("user_id", "cause", "message", "attempts", "created_at")
    max_num = 0
    show_change_link = False


@admin.register(BatchRun)
class BatchRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "target_date",
        "source",
        "status",
        "dry_run",
        "targets",
        "done",
        "skipped",
        "failed",
        "tokens_used",
        "rate_per_second",
        "elapsed_seconds",
        "started_at",
        "heartbeat_at",
    )
    list_filter = ("status", "source", "dry_run")
    date_hierarchy = "target_date"
    readonly_fields = [f.name for f in BatchRun._meta.get_fields() if f.concrete]
    inlines = (BatchFailureInline,)


@admin.register(BatchFailure)
class BatchFailureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("run", "user_id", "cause", "attempts", "created_at")
    list_filter = ("cause",)
    search_fields = ("user_id",)
    readonly_fields = ("run", "user_id", "cause", "message", "attempts", "created_at")
