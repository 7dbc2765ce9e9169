"""Career conversations: a manager's notes and the next follow-up date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from growth.access import can_hold_conversations, viewer_of
from growth.models import CareerConversation
from organizations.actors import Actor, user_of
from organizations.audit import record
from people.models import Person
from reviews.errors import NotAllowed, ReviewError

NOTES_LIMIT = 10_000


def record_career_conversation(
    person: Person,
    *,
    actor: Actor,
    held_on: dt.date | None,
    notes: str,
    next_follow_up: dt.date | None = None,
) -> CareerConversation:
    """A manager (anyone above the person) or HR records a career conversation. The
    audit log keeps the date, never the notes."""
    org = person.organization
    org.ensure_writable()
    viewer = viewer_of(actor)
    if not can_hold_conversations(viewer, person):
        raise NotAllowed("Only the person’s managers and HR record career conversations.")
    notes = (notes or "").strip()
    today = timezone.localdate()
    errors = []
    if held_on is None:
        errors.append(("held_on", "Enter the date of the conversation."))
    elif held_on > today:
        errors.append(("held_on", "Enter the date it took place (today or earlier)."))
    if len(notes) > NOTES_LIMIT:
        errors.append(("notes", "Keep the notes under 10,000 characters."))
    if next_follow_up is not None and next_follow_up < today:
        errors.append(("next_follow_up", "Choose a follow-up date from today onwards."))
    if errors:
        raise ReviewError("The conversation was not saved.", errors)
    assert held_on is not None
    with transaction.atomic():
        conversation = CareerConversation.objects.create(
            organization=org,
            person=person,
            held_by=viewer.person,
            held_on=held_on,
            notes=notes,
            next_follow_up=next_follow_up,
            created_by=user_of(actor),
        )
        record(
            org,
            actor,
            "career_conversation.recorded",
            conversation,
            target_label=person.name,
            data={"held_on": held_on, "next_follow_up": next_follow_up},
        )
    return conversation
