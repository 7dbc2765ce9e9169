"""The operator's admin (`/admin/`), hardened: it reaches every organization.

- Logging in goes through the product's own login (allauth): failed attempts are rate
  limited in the shared cache like everyone's, and an authenticator code is asked for
  when the account has one. The admin's own password form is never shown or processed.
- Staff need two-step verification: without an authenticator app they are sent to set
  one up; with one, the session must have used it (or they confirm with a code).
- `ADMIN_ALLOWED_NETWORKS` (addresses or networks) restricts it further: from anywhere
  else every admin URL answers 404, as if there were none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from organizations.clientip import client_ip, in_networks


def used_mfa(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "mfa" for r in records)


def has_mfa(user: Any) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return bool(is_mfa_enabled(user))


class OperatorAdminSite(admin.AdminSite):
    site_header = "Career Ladder Builder operator"
    site_title = "Operator"

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        wanted = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
            wanted = ""
        return redirect_to_login(
            wanted or reverse("admin:index", current_app=self.name),
            login_url=reverse("account_login"),
        )

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = request.user
            if settings.ADMIN_REQUIRE_MFA and user.is_active and user.is_staff:
                if not has_mfa(user):
                    messages.info(
                        request,
                        "The operator's admin needs two-step verification. Set up an "
                        "authenticator app, then open the admin again.",
                    )
                    return redirect("mfa_activate_totp")
                if not used_mfa(request):
                    return redirect_to_login(
                        request.get_full_path(), login_url=reverse("mfa_reauthenticate")
                    )
            return inner(request, *args, **kwargs)

        return checked


class AdminNetworkMiddleware:
    """404 for every admin URL from outside ADMIN_ALLOWED_NETWORKS (when it is set)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowed = settings.ADMIN_ALLOWED_NETWORKS
        if not allowed:  # the common case: nothing to check, nothing to reverse
            return self.get_response(request)
        admin_path = request.path_info.startswith(reverse("admin:index"))
        if admin_path and not in_networks(client_ip(request), allowed):
            raise Http404("No admin here.")
        return self.get_response(request)
