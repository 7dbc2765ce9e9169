"""Resolve the organization and membership once per request and activate the scope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from organizations.models import Membership
from organizations.prepared import Prepared
from organizations.scoping import scope, unscoped

SESSION_KEY = "active_org"

# every signed-in request: compiled once (organizations/prepared.py)
MEMBERSHIPS = Prepared(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    ),
    user_id=int,
)


def memberships_for(user) -> list[Membership]:
    with unscoped():
        return MEMBERSHIPS.all(user_id=user.pk)


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if request.path.startswith("/admin/"):
            # The operator's admin is explicitly cross-tenant (superusers only).
            with unscoped():
                return self.get_response(request)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        memberships = memberships_for(user)
        if not memberships:
            return self.get_response(request)
        wanted = request.session.get(SESSION_KEY)
        membership = next(
            (m for m in memberships if m.organization.public_id == wanted), memberships[0]
        )
        request.membership = membership  # type: ignore[attr-defined]
        request.organization = membership.organization  # type: ignore[attr-defined]
        request.all_memberships = memberships  # type: ignore[attr-defined]
        with scope(membership.organization):
            return self.get_response(request)
