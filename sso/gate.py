"""Password login off: members of an organization that requires company sign-in must
have signed in through its identity provider in this session.

`company_sign_in_gate` runs in `organizations.access.org_required` for every page of an
organization. Owners are let through with a password: that is the break-glass path that
keeps an organization from being locked out by a broken identity provider (each such
login is in the audit log, see sso/receivers.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from organizations.prepared import Prepared
from sso.models import SignInSettings

# every organization page asks (org_required): compiled once (organizations/prepared.py),
# read afresh each time, so a change HR makes counts from the next request
ENFORCING = Prepared(
    lambda org_id: SignInSettings.objects.filter(
        organization_id=org_id, enabled=True, password_login=False
    ).order_by("pk")[:1],
    org_id=int,
)


def signed_in_through(request: HttpRequest, row: SignInSettings) -> bool:
    return any(
        r.get("method") == "socialaccount" and r.get("provider") == row.provider_id
        for r in get_authentication_records(request, request.user)
    )


def enforced_settings(org: Any) -> SignInSettings | None:
    row = ENFORCING.first(org_id=org.pk)
    return row if row is not None and row.enforced else None


def company_sign_in_gate(request: HttpRequest, membership: Any) -> HttpResponse | None:
    if membership.is_owner:
        return None
    row = enforced_settings(membership.organization)
    if row is None or signed_in_through(request, row):
        return None
    return redirect("sso:required")
