"""Who may see and change what in growth — one set of rules for the pages and the API.

- A gap report: the person once the cycle is released, their managers (the one who wrote
  the review and everyone above the person) and HR — `reviews.access.results_visible`.
- A development plan: the person, everyone above them and HR see it and update it.
- Career conversations: the person's managers and HR (not the person: they are the
  manager's notes).
- Team views: HR see everyone; a manager sees the people below them.

Anything a viewer may not see answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Any

from people.models import Person
from people.selectors import person_for_user
from reviews.access import Viewer, oversees, results_visible, viewer_for
from reviews.models import Participant
from reviews.services.common import membership_of

__all__ = [
    "Viewer",
    "can_hold_conversations",
    "can_see_plan",
    "report_visible",
    "viewer_for",
    "viewer_of",
]


def viewer_of(user: Any) -> Viewer:
    """The viewer for a user in the active organization (services use it)."""
    membership = membership_of(user)
    person = person_for_user(user) if getattr(user, "is_authenticated", False) else None
    return Viewer(user=user, person=person, is_admin=bool(membership and membership.is_admin))


def can_see_plan(viewer: Viewer, person: Person) -> bool:
    """The plan (read and update): the person, anyone above them, HR."""
    if viewer.is_admin:
        return True
    return viewer.pk is not None and (viewer.pk == person.pk or person.pk in viewer.reports)


def can_hold_conversations(viewer: Viewer, person: Person) -> bool:
    return oversees(viewer, person.pk)


def report_visible(participant: Participant, viewer: Viewer) -> bool:
    return results_visible(participant, viewer)
