"""The write path for invitations: invite, revoke, accept.

The token is random and only ever appears in the e-mailed link; the database keeps its
SHA-256 hash, so a copy of the database cannot be used to join an organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, hash_token
from organizations.actors import Actor, user_id_of, user_of
from organizations.audit import record
from organizations.models import Membership, Organization, Role
from organizations.scoping import scope, unscoped
from organizations.services import add_member, create_user
from people.models import Person


class InvitationError(Exception):
    """An invitation that cannot be sent or accepted; the message is for the user."""


def _actor_membership(org: Organization, actor: Actor) -> Membership | None:
    if not user_id_of(actor):
        return None
    return Membership.objects.filter(organization=org, user=actor, is_active=True).first()


def _check_role(org: Organization, role: str, actor: Actor) -> None:
    if role not in Role.values:
        raise InvitationError("Choose a role.")
    if role == Role.OWNER:
        membership = _actor_membership(org, actor)
        if membership is not None and not membership.is_owner:
            raise InvitationError("Only an owner can invite another owner.")


def _check_sending_rate(org: Organization) -> None:
    """Invitation e-mails go to any address and carry the organization's name: a cap per
    organization and hour keeps a fresh sign-up from using us to send mass mail."""
    limit = int(getattr(settings, "INVITATIONS_PER_HOUR", 300))
    since = timezone.now() - timedelta(hours=1)
    if Invitation.objects.filter(organization=org, created_at__gte=since).count() >= limit:
        raise InvitationError(
            f"{org.name} has sent {limit} invitations in the last hour, the most we send. "
            "Wait an hour, then send the rest."
        )


def invitation_url(token: str) -> str:
    path = reverse("accounts:accept_invitation", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def send_invitation_email(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by,
        "url": invitation_url(token),
        "SITE_NAME": settings.SITE_NAME,
    }
    # one line whatever the names hold: a line break in a header is refused by the mailer
    subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
    body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invite_person(org: Organization, person: Person, *, role: str, actor: Actor) -> Invitation:
    """E-mail `person` a link to join `org` with `role`. A pending invitation for the same
    e-mail address is revoked first, so only the newest link works."""
    org.ensure_writable()
    _check_role(org, role, actor)
    if person.organization_id != org.pk:
        raise InvitationError("That person is not in this organization.")
    if not person.is_active:
        raise InvitationError(f"{person.name} is deactivated. Reactivate them first.")
    email = person.email.strip().lower()
    if not email:
        raise InvitationError(f"{person.name} has no e-mail address.")
    if Membership.objects.filter(
        organization=org, user__email__iexact=email, is_active=True
    ).exists() or (
        person.user_id is not None
        and Membership.objects.filter(
            organization=org, user_id=person.user_id, is_active=True
        ).exists()
    ):
        raise InvitationError(f"{person.name} can already log in to {org.name}.")
    _check_sending_rate(org)
    token = Invitation.new_token()
    with transaction.atomic():
        now = timezone.now()
        replaced = Invitation.objects.filter(
            organization=org,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organization=org,
            email=email,
            role=role,
            person=person,
            token_hash=hash_token(token),
            invited_by=user_of(actor),
            created_at=now,
            expires_at=Invitation.default_expiry(),
        )
        record(
            org,
            actor,
            "invitation.resent" if replaced else "invitation.sent",
            invitation,
            target_label=f"{person.name} <{email}>",
            data={"email": email, "role": role},
        )
        transaction.on_commit(lambda: send_invitation_email(invitation, token))
    return invitation


def people_without_login(org: Organization) -> list[Person]:
    """Active people who cannot log in yet and have no invitation waiting."""
    now = timezone.now()
    waiting = Invitation.objects.filter(
        organization=org, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).values_list("email", flat=True)
    return list(
        Person.objects.filter(organization=org, is_active=True, user__isnull=True)
        .exclude(email__in=waiting)
        .order_by("name")
    )


def invite_everyone(org: Organization, *, actor: Actor) -> tuple[int, str]:
    """Invite, as members, everyone who cannot log in yet and has no invitation waiting.
    Returns how many were invited and, if it stopped early, why (e.g. the hourly cap)."""
    sent = 0
    for person in people_without_login(org):
        try:
            invite_person(org, person, role=Role.MEMBER, actor=actor)
        except InvitationError as error:
            return sent, str(error)
        sent += 1
    return sent, ""


def invite_by_email(
    org: Organization, *, email: str, name: str, role: str, actor: Actor
) -> Invitation:
    """Invite someone by e-mail, adding them to the people directory if they are not there."""
    from people.services import PersonError, create_person

    email = email.strip().lower()
    with transaction.atomic():
        person = Person.objects.filter(organization=org, email=email).first()
        if person is None:
            if not name.strip():
                raise InvitationError("Enter their name.")
            try:
                person = create_person(org, actor=actor, name=name, email=email)
            except PersonError as error:
                raise InvitationError(str(error)) from error
        return invite_person(org, person, role=role, actor=actor)


def revoke_invitation(invitation: Invitation, *, actor: Actor) -> Invitation:
    org = invitation.organization
    org.ensure_writable()
    if not invitation.is_pending:
        raise InvitationError(
            f"This invitation is already {invitation.status.lower()}; nothing to revoke."
        )
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(
            org,
            actor,
            "invitation.revoked",
            invitation,
            target_label=invitation.email,
            data={"email": invitation.email},
        )
    return invitation


# --- accepting ----------------------------------------------------------------------------


@dataclass
class InvitationState:
    """What the accept page should say about a token."""

    invitation: Invitation | None
    problem: str = ""  # "" | "unknown" | "accepted" | "revoked" | "expired" | "inactive"


def find_invitation(token: str) -> InvitationState:
    """Look up a token across organizations (the token itself is the credential)."""
    if not token or len(token) > 100:
        return InvitationState(None, "unknown")
    with unscoped():
        invitation = (
            Invitation.objects.select_related("organization", "invited_by", "person")
            .filter(token_hash=hash_token(token))
            .first()
        )
    if invitation is None:
        return InvitationState(None, "unknown")
    if invitation.accepted_at:
        return InvitationState(invitation, "accepted")
    if invitation.revoked_at:
        return InvitationState(invitation, "revoked")
    if invitation.expires_at <= timezone.now():
        return InvitationState(invitation, "expired")
    if invitation.person is not None and not invitation.person.is_active:
        return InvitationState(invitation, "inactive")
    return InvitationState(invitation)


def existing_user_for(email: str) -> Any:
    from allauth.account.models import EmailAddress

    User = get_user_model()
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


def user_may_accept(invitation: Invitation, user: Any) -> bool:
    """A logged-in user accepts only an invitation sent to one of their verified addresses."""
    from allauth.account.models import EmailAddress

    if (user.email or "").lower() == invitation.email:
        return True
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def accept_invitation(
    token: str, *, user: Any = None, name: str = "", password: str | None = None
) -> tuple[Invitation, Any]:
    """Join the organization. Either `user` (logged in, the invitation's e-mail is theirs)
    or `name` + `password` for a new login with a verified e-mail address.
    Returns (invitation, user)."""
    from people.services import ensure_person_for_user, link_login

    state = find_invitation(token)
    invitation = state.invitation
    if invitation is None or state.problem:
        raise InvitationError(
            {
                "unknown": "This invitation link is not valid.",
                "accepted": "This invitation has already been used.",
                "revoked": "This invitation was withdrawn.",
                "expired": "This invitation has expired.",
                "inactive": "This person is no longer active in the organization.",
            }[state.problem or "unknown"]
        )
    org = invitation.organization
    org.ensure_writable()
    with transaction.atomic(), scope(org):
        # Lock against a double submit: only one request may flip accepted_at.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise InvitationError("This invitation has already been used.")
        if user is None:
            if existing_user_for(invitation.email) is not None:
                raise InvitationError(
                    f"{invitation.email} already has an account. Log in to accept the invitation."
                )
            user = create_user(invitation.email, password=password, name=name)
        elif not user_may_accept(invitation, user):
            raise InvitationError(
                f"This invitation is for {invitation.email}. Log out, then open the link again."
            )
        add_member(org, user, role=invitation.role, actor=user)
        person = invitation.person
        if (
            person is not None
            and person.user_id is None
            and not Person.objects.filter(user=user).exists()
        ):
            link_login(person, user, actor=user)
        ensure_person_for_user(org, user, name=name, actor=user)
        invitation.refresh_from_db(fields=["accepted_at"])
        record(
            org,
            user,
            "invitation.accepted",
            invitation,
            target_label=invitation.email,
            data={"role": invitation.role},
        )
    return invitation, user
