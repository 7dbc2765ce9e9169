"""Helpers shared by the growth services."""

from __future__ import annotations

from growth.access import Viewer, can_see_plan, viewer_of
from organizations.actors import Actor
from people.models import Person
from reviews.errors import NotAllowed


def require_plan_access(actor: Actor, person: Person) -> Viewer:
    viewer = viewer_of(actor)
    if not can_see_plan(viewer, person):
        raise NotAllowed("Only the person, their managers and HR can change this development plan.")
    return viewer


def managers_above(person: Person) -> list[Person]:
    """The person's manager, their manager, … (one query, whatever the depth)."""
    rows = dict(Person.objects.values_list("pk", "manager_id"))
    chain: list[int] = []
    current = rows.get(person.pk)
    while current and current not in chain and current != person.pk:
        chain.append(current)
        current = rows.get(current)
    found = {p.pk: p for p in Person.objects.filter(pk__in=chain, is_active=True)}
    return [found[pk] for pk in chain if pk in found]
