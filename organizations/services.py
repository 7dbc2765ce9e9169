"""The write path for organizations and memberships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from organizations.actors import Actor
from organizations.audit import changes_between, record
from organizations.models import Membership, Organization, Role
from organizations.scoping import scope, unscoped
from organizations.signals import organization_created


class OrganizationError(Exception):
    """A change that cannot be made; the message is for the user."""


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    candidate, n = base, 2
    while Organization.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def create_organization(
    *, name: str, owner: Any, slug: str = "", owner_name: str = ""
) -> Organization:
    """A new organization on a free trial, with `owner` as its owner and first person
    (`people` receives `organization_created` and adds them to the directory)."""
    name = " ".join(name.split())
    if not name:
        raise OrganizationError("Give your organization a name.")
    slug = slugify(slug) if slug else unique_slug(name)
    if Organization.objects.filter(slug=slug).exists():
        raise OrganizationError(f"The address “{slug}” is taken. Choose another.")
    with transaction.atomic():
        org = Organization.objects.create(
            name=name,
            slug=slug,
            plan=Organization.Plan.TRIAL,
            trial_ends_at=timezone.now() + timedelta(days=settings.TRIAL_DAYS),
        )
        with scope(org):
            Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
            organization_created.send(
                sender=Organization, organization=org, owner=owner, owner_name=owner_name
            )
            record(
                org, owner, "organization.created", org, data={"trial_days": settings.TRIAL_DAYS}
            )
    return org


def activate_organization(
    org: Organization, *, actor: Actor = None, data: dict[str, Any] | None = None
) -> Organization:
    """Turn a trial (or suspended, or lapsing) organization into a paying one: an operator
    (`manage.py activate_organization`) or a paid subscription (billing)."""
    with transaction.atomic(), scope(org):
        before = {"plan": org.plan, "paid_until": org.paid_until}
        org.plan = Organization.Plan.ACTIVE
        org.activated_at = timezone.now()
        org.paid_until = None
        org.save(update_fields=["plan", "activated_at", "paid_until"])
        after = {"plan": org.plan, "paid_until": org.paid_until}
        record(
            org,
            actor,
            "organization.activated",
            org,
            changes=changes_between(before, after),
            data=data,
        )
    return org


def set_paid_until(
    org: Organization, when: Any, *, actor: Actor = None, reason: str = ""
) -> Organization:
    """The subscription will not renew: read-only from `when` (None: it renews again)."""
    if org.paid_until == when:
        return org
    with transaction.atomic(), scope(org):
        before = org.paid_until
        org.paid_until = when
        org.save(update_fields=["paid_until"])
        record(
            org,
            actor,
            "organization.paid_until_changed",
            org,
            changes={"paid_until": [before, when]},
            data={"reason": reason} if reason else None,
        )
    return org


def suspend_organization(
    org: Organization, *, actor: Actor = None, reason: str = ""
) -> Organization:
    """The subscription has ended: read-only (log in, view, export) until activated again."""
    if org.plan == Organization.Plan.SUSPENDED:
        return org
    with transaction.atomic(), scope(org):
        before = org.plan
        org.plan = Organization.Plan.SUSPENDED
        org.save(update_fields=["plan"])
        record(
            org,
            actor,
            "organization.suspended",
            org,
            changes={"plan": [before, org.plan]},
            data={"reason": reason} if reason else None,
        )
    return org


def extend_trial(org: Organization, *, days: int, actor: Actor = None) -> Organization:
    if days < 1:
        raise OrganizationError("Extend by at least one day.")
    with transaction.atomic(), scope(org):
        before = org.trial_ends_at
        start = max(org.trial_ends_at or timezone.now(), timezone.now())
        org.plan = Organization.Plan.TRIAL
        org.trial_ends_at = start + timedelta(days=days)
        org.save(update_fields=["plan", "trial_ends_at"])
        record(
            org,
            actor,
            "organization.trial_extended",
            org,
            changes={"trial_ends_at": [before, org.trial_ends_at]},
        )
    return org


def update_settings(
    org: Organization, *, actor: Actor, name: str, require_mfa_for_admins: bool
) -> Organization:
    org.ensure_writable()
    with transaction.atomic():
        before = {"name": org.name, "require_mfa_for_admins": org.require_mfa_for_admins}
        org.name = " ".join(name.split()) or org.name
        org.require_mfa_for_admins = require_mfa_for_admins
        org.save(update_fields=["name", "require_mfa_for_admins"])
        after = {"name": org.name, "require_mfa_for_admins": org.require_mfa_for_admins}
        record(
            org, actor, "organization.settings_changed", org, changes=changes_between(before, after)
        )
    return org


def set_role(membership: Membership, *, role: str, actor: Actor) -> Membership:
    org = membership.organization
    org.ensure_writable()
    if role not in Role.values:
        raise OrganizationError("Choose a role.")
    with transaction.atomic():
        if (
            membership.role == Role.OWNER
            and role != Role.OWNER
            and not Membership.objects.filter(role=Role.OWNER, is_active=True)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise OrganizationError("An organization needs at least one owner.")
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            org,
            actor,
            "membership.role_changed",
            membership,
            target_label=str(membership.user),
            changes={"role": [before, role]},
        )
    return membership


def add_member(org: Organization, user: Any, *, role: str, actor: Actor) -> Membership:
    org.ensure_writable()
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            organization=org, user=user, defaults={"role": role}
        )
        if not created and not membership.is_active:
            # A closed login that is let in again gets the role it is invited with now,
            # never the (perhaps higher) role it had before.
            before = membership.role
            membership.is_active = True
            membership.role = role
            membership.save(update_fields=["is_active", "role"])
            record(
                org,
                actor,
                "membership.reactivated",
                membership,
                target_label=user.email,
                changes={"role": [before, role]} if before != role else None,
                data={"role": role},
            )
        if created:
            record(
                org,
                actor,
                "membership.created",
                membership,
                target_label=user.email,
                data={"role": role},
            )
    return membership


def create_user(email: str, *, password: str | None, name: str = "") -> Any:
    """A login for `email`, with a verified e-mail address (operators and invitations)."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    email = email.strip().lower()
    first, _, last = name.strip().partition(" ")
    with unscoped():
        user = User.objects.create_user(
            username=email[:150],
            email=email,
            password=password,
            first_name=first[:150],
            last_name=last[:150],
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
