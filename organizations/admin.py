"""The operator's admin. It runs unscoped (TenantMiddleware), for superusers only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from organizations.access import SignedInRequest
from organizations.models import AuditEntry, Membership, Organization
from organizations.services import activate_organization, extend_trial


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the product writes and audits; the operator only looks (every field read-only,
    nothing added, changed or deleted)."""

    hidden_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name not in self.hidden_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "is_active", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "plan", "trial_ends_at", "activated_at", "created_at")
    list_filter = ("plan", "require_mfa_for_admins")
    search_fields = ("name", "slug")
    readonly_fields = ("public_id", "created_at", "activated_at")
    fields = (
        "name",
        "slug",
        "public_id",
        "plan",
        "trial_ends_at",
        "activated_at",
        "require_mfa_for_admins",
        "created_at",
    )
    inlines = [MembershipInline]
    actions = ["activate", "extend_trial_14_days"]

    @admin.action(description="Activate (turn into a paying subscription)")
    def activate(self, request: SignedInRequest, queryset: QuerySet[Organization]) -> None:
        for org in queryset:
            activate_organization(org, actor=request.user)
        self.message_user(request, f"Activated {queryset.count()} organization(s).")

    @admin.action(description="Extend trial by 14 days")
    def extend_trial_14_days(
        self, request: SignedInRequest, queryset: QuerySet[Organization]
    ) -> None:
        skipped = 0
        for org in queryset:
            if org.plan == Organization.Plan.ACTIVE:
                skipped += 1
                continue
            extend_trial(org, days=14, actor=request.user)
        done = queryset.count() - skipped
        self.message_user(request, f"Extended the trial of {done} organization(s) by 14 days.")
        if skipped:
            self.message_user(
                request,
                f"Skipped {skipped} active organization(s): they are already paying.",
                level=messages.WARNING,
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "organization__name", "organization__slug")
    raw_id_fields = ("user", "organization")
    readonly_fields = ("public_id", "created_at")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, changes or deletes entries, not even the operator."""

    list_display = ("at", "organization", "actor_label", "action", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "organization__name", "action")
    date_hierarchy = "at"
    list_select_related = ("organization",)
