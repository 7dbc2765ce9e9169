"""Signal receivers of company sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from organizations.audit import record
from organizations.middleware import SESSION_KEY
from organizations.models import Membership, Role
from organizations.scoping import scope, unscoped
from sso.models import SignInSettings


@receiver(user_logged_in, dispatch_uid="sso.after_login")
def after_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        # came in through an organization's identity provider: open that organization
        from sso.providers import settings_for_provider

        row = settings_for_provider(sociallogin.account.provider)
        if row is not None and hasattr(request, "session"):
            request.session[SESSION_KEY] = row.organization.public_id
        return
    # A password login by an owner of an organization that has password login off is the
    # break-glass path: allowed, and written down.
    with unscoped():
        owned = list(
            Membership.objects.filter(user=user, role=Role.OWNER, is_active=True).values_list(
                "organization_id", flat=True
            )
        )
        rows = list(
            SignInSettings.objects.select_related("organization").filter(
                organization_id__in=owned, enabled=True, password_login=False
            )
        )
    for row in rows:
        if row.enforced:
            with scope(row.organization):
                record(
                    row.organization,
                    user,
                    "sign_in.password_by_owner",
                    None,
                    target_label=user.email,
                )
