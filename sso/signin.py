"""Who may come in through an organization's identity provider, and as whom.

Called by allauth (sso/adapter.py) after the identity provider vouched for someone:

1. The address must be at one of the organization's verified domains: an identity
   provider is trusted only for its own organization's addresses.
2. A login already linked to this identity, or the login with that (verified) address,
   is used; otherwise a new login is made, with no password.
3. They get in when they already belong to the organization, or were invited, or were
   provisioned by the company directory (SCIM), or the owner lets anyone at a verified
   domain join as a member. Otherwise they see a page saying whom to ask.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from organizations.audit import record
from organizations.models import Membership, Role
from organizations.scoping import scope
from organizations.services import add_member, create_user
from sso.domains import email_domain
from sso.models import ScimLink, SignInSettings
from sso.providers import settings_for_provider


def refuse(request: Any, reason: str, *, org: Any = None, status: int = 403) -> None:
    response = render(
        request, "sso/refused.html", {"reason": reason, "company": org}, status=status
    )
    raise ImmediateHttpResponse(response)


def _identity_email(sociallogin: Any) -> str:
    for address in sociallogin.email_addresses:
        if address.email:
            return address.email.strip().lower()
    return (getattr(sociallogin.user, "email", "") or "").strip().lower()


def _name(sociallogin: Any) -> str:
    user = sociallogin.user
    name = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return name or str(sociallogin.account.extra_data.get("name", "") or "")


def _existing_user(email: str) -> Any:
    from accounts.services import existing_user_for

    return existing_user_for(email)


def _why_allowed(row: SignInSettings, email: str) -> tuple[str, str] | None:
    """(how, role) when someone without a login to the organization may join."""
    from accounts.models import Invitation
    from people.models import Person

    now = timezone.now()
    invitation = Invitation.objects.filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).first()
    if invitation is not None:
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=now)
        return "invitation", invitation.role
    person = Person.objects.filter(email=email, is_active=True).first()
    if person is not None and ScimLink.objects.filter(person=person, deleted_at=None).exists():
        return "company directory", Role.MEMBER
    if row.join_on_sign_in:
        return "verified domain", Role.MEMBER
    return None


def admit(request: Any, sociallogin: Any) -> None:
    row = settings_for_provider(sociallogin.provider.app.provider_id or "")
    if row is None or not row.is_active:
        refuse(request, "Company sign-in is not turned on for this organization.")
        return
    org = row.organization
    email = _identity_email(sociallogin)
    with scope(org):
        from sso.services import verified_domains

        if not email or email_domain(email) not in verified_domains(org):
            refuse(
                request,
                f"Your company account signed in as {email or 'an account with no e-mail address'}"
                f", which is not at one of {org.name}'s verified e-mail domains.",
                org=org,
            )
        user = sociallogin.user if sociallogin.is_existing else _existing_user(email)
        with transaction.atomic():
            membership = (
                Membership.objects.filter(organization=org, user=user).first() if user else None
            )
            if membership is not None and not membership.is_active:
                refuse(request, f"Your login to {org.name} has been closed.", org=org)
            if membership is None:
                allowed = _why_allowed(row, email)
                if allowed is None:
                    refuse(
                        request,
                        f"You are not set up in Career Ladder Builder for {org.name} yet.",
                        org=org,
                    )
                    return
                how, role = allowed
                if user is None:
                    user = create_user(email, password=None, name=_name(sociallogin))
                add_member(org, user, role=role, actor=user)
                from people.services import ensure_person_for_user

                ensure_person_for_user(org, user, name=_name(sociallogin), actor=user)
                record(
                    org,
                    user,
                    "sign_in.joined",
                    None,
                    target_label=email,
                    data={"how": how, "role": role},
                )
            # The identity provider vouched for an address at a verified domain. If that
            # address was never confirmed, whoever set the login's password may not be
            # its owner (an account made in advance): the password stops working.
            if (
                not EmailAddress.objects.filter(
                    user=user, email__iexact=email, verified=True
                ).exists()
                and user.has_usable_password()
            ):
                user.set_unusable_password()
                user.save(update_fields=["password"])
            EmailAddress.objects.filter(user=user, email__iexact=email).update(verified=True)
            if not sociallogin.is_existing:
                sociallogin.connect(request, user)
