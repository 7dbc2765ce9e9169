"""The operator sees every scheduled run, failures first to filter for; a failed run can
be queued again from here (or with `manage.py jobs retry ID`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils import timezone

from jobs.models import ScheduledRun
from jobs.scheduler import requeue


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["job", "due_at", "status", "attempts", "started_at", "finished_at", "worker"]
    list_filter = ["status", "job"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.action(description="Try the selected failed runs again")
    def retry(self, request: Any, queryset: Any) -> None:
        now = timezone.now()
        count = sum(requeue(run, now) for run in queryset.filter(status=ScheduledRun.Status.FAILED))
        self.message_user(request, f"{count} run(s) queued again.", messages.SUCCESS)
