"""The operator sees every scheduled organization deletion (and the record of those
carried out). Read-only: owners schedule and cancel in the product."""

from __future__ import annotations

from django.contrib import admin

from datarights.models import OrganizationDeletion
from organizations.admin import ReadOnlyAdmin


@admin.register(OrganizationDeletion)
class OrganizationDeletionAdmin(ReadOnlyAdmin):
    list_display = ("organization_name", "organization_slug", "status", "due_at", "created_at",
                    "done_at", "deleted_rows")  # fmt: skip
    list_filter = ("status",)
    search_fields = ("organization_name", "organization_slug")
    ordering = ("status", "due_at")
