"""What accounts does when other apps report something (organizations' and people's
signals), and what it adds to their pages (the members page, a person's page, the
directory's "Invited" badge)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import Invitation
from organizations.access import OrgRequest
from organizations.actors import Actor
from organizations.hooks import on_members_page
from organizations.models import Role
from organizations.signals import login_closed
from people import panels as people_panels
from people.signals import person_deactivated


@receiver(login_closed, dispatch_uid="accounts.end_sessions")
def end_sessions(sender: Any, organization: Any, user: Any, **kwargs: Any) -> None:
    """A closed login is logged out everywhere at once (allauth's user sessions know
    every session a user has; they end on every web process, as sessions live in the
    database)."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()


@receiver(person_deactivated, dispatch_uid="accounts.revoke_invitations")
def revoke_invitations(sender: Any, person: Any, **kwargs: Any) -> None:
    """A deactivated person's open invitation links stop working at once."""
    Invitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _pending() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


# what accounts adds to the pages of the apps below it (organizations, people)


@on_members_page
def pending_invitations(memberships: list[Any]) -> dict[str, Any]:
    pending = _pending().select_related("person")
    return {"pending": list(pending[:5]), "pending_count": pending.count()}


@people_panels.register_profile
def invitation_of(request: OrgRequest, person: Any) -> dict[str, Any]:
    """A person without a login: the invitation waiting for them (HR only)."""
    if person.user_id or not request.membership.is_admin:
        return {"invitation": None}
    return {"invitation": next((i for i in person.invitations.all() if i.is_pending), None)}


people_panels.register_column("invited", lambda: Exists(_pending().filter(person=OuterRef("pk"))))


def _invite_one(org: Any, person: Any, *, actor: Actor, choice: str) -> None:
    """The directory's bulk "Invite" (people/panels.py): one person, as `choice` (a role)."""
    from accounts.services import InvitationError, invite_person
    from people.services import PersonError

    try:
        invite_person(org, person, role=choice or Role.MEMBER, actor=actor)
    except InvitationError as error:
        raise PersonError(str(error)) from error


people_panels.register_bulk_action(
    "invite",
    "Invite to log in",
    _invite_one,
    [(Role.MEMBER, "as members"), (Role.HR_ADMIN, "as HR admins")],
)
