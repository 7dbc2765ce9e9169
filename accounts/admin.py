from __future__ import annotations

from django.contrib import admin

from accounts.models import Invitation
from organizations.admin import ReadOnlyAdmin


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Read-only: invitations are sent and withdrawn in the product, where it is audited."""

    list_display = ("email", "organization", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "organization__name")
    list_select_related = ("organization",)
    exclude = ("token_hash",)
    hidden_fields = ("token_hash",)
