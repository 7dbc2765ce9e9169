"""What people does when `organizations` reports something, and what it adds to the
organization's pages (registered from `PeopleConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from organizations.hooks import on_members_page
from organizations.models import Membership
from organizations.signals import organization_created
from people.models import Person
from people.services import ensure_person_for_user


@receiver(organization_created, dispatch_uid="people.first_person")
def add_the_owner(
    sender: Any, organization: Any, owner: Any, owner_name: str = "", **kwargs: Any
) -> None:
    """The owner of a new organization is the first person of its directory."""
    ensure_person_for_user(organization, owner, name=owner_name, actor=owner)


@on_members_page
def people_of_members(memberships: list[Membership]) -> dict[str, Any]:
    """Each login's directory entry (one query), for the link beside its name."""
    people = {
        p.user_id: p
        for p in Person.objects.filter(user_id__in=[m.user_id for m in memberships]).only(
            "public_id", "name", "user_id"
        )
    }
    for m in memberships:
        m.person = people.get(m.user_id)  # type: ignore[attr-defined]
    return {}
