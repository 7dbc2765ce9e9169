"""Changing many people at once from the directory: a level, a manager or a job family,
deactivating, or an action another app offers (accounts' "invite", people/panels.py).

Each person goes through the same service as a change of one person (update_person,
set_active, …), so each is checked and audited as usual, and the whole batch is one
transaction: when any person cannot be changed, nothing is, and every problem is
reported with the person's name. The batch itself is audited too (people.bulk_changed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from frameworks.models import JobFamily, Level
from organizations.actors import Actor
from organizations.audit import record
from organizations.models import Organization
from people.models import Person
from people.panels import BULK_ACTIONS
from people.services import PersonError, set_active, update_person

ACTIONS = {
    "level": "Change level",
    "manager": "Change manager",
    "family": "Change job family",
    "deactivate": "Deactivate",
}


def action_choices() -> list[tuple[str, str]]:
    return [*ACTIONS.items(), *((k, label) for k, (label, _, _) in BULK_ACTIONS.items())]


@dataclass
class BulkError(Exception):
    """Some people could not be changed, so nobody was: (person, why) for each."""

    problems: list[tuple[Person, str]]

    def __str__(self) -> str:
        return "; ".join(f"{p.name}: {why}" for p, why in self.problems)


def _leaves_first(people: list[Person]) -> list[Person]:
    """People ordered so that someone comes after everyone of `people` who reports to
    them (deactivating a manager together with their whole team works)."""
    managers = dict(Person.objects.values_list("pk", "manager_id"))
    chosen = {p.pk for p in people}

    def depth(p: Person) -> int:
        d, current, seen = 0, managers.get(p.pk), set()
        while current is not None and current not in seen:
            seen.add(current)
            if current in chosen:
                d += 1
            current = managers.get(current)
        return d

    return sorted(people, key=lambda p: (-depth(p), p.name.casefold(), p.pk))


def apply_bulk(
    org: Organization,
    people: list[Person],
    *,
    action: str,
    actor: Actor,
    level: Level | None = None,
    manager: Person | None = None,
    family: JobFamily | None = None,
    effective_date: dt.date | None = None,
    reason: str = "",
    choice: str = "",
) -> int:
    """Apply `action` to every one of `people`, all or nothing; returns how many."""
    org.ensure_writable()
    if not people:
        raise PersonError("Choose at least one person.")
    for p in people:
        if p.organization_id != org.pk:
            raise PersonError("Choose people from your own organization.")

    def place(p: Person, on: JobFamily | None, at: Level | None, why: str) -> Any:
        """One person onto family `on` at level `at`, in their level history with the
        reason given (else `why`) and the effective date."""
        return update_person(
            p,
            actor=actor,
            expected_revision=None,
            job_family=on,
            level=at,
            level_effective_date=effective_date,
            level_reason=reason or why,
        )

    one: Callable[[Person], Any]
    if action == "level":
        if level is None:
            raise PersonError("Choose the level.", "level")
        family_of_level = level.version.family

        def one(p: Person) -> Any:
            return place(p, family_of_level, level, "Changed for several people at once")
    elif action == "family":

        def one(p: Person) -> Any:
            if p.job_family_id == getattr(family, "pk", None):
                return p
            return place(p, family, None, "Moved to another job family")
    elif action == "manager":

        def one(p: Person) -> Any:
            return update_person(p, actor=actor, expected_revision=None, manager=manager)
    elif action == "deactivate":

        def one(p: Person) -> Any:
            return set_active(p, actor=actor, active=False)

        people = _leaves_first(people)
    elif action in BULK_ACTIONS:
        run = BULK_ACTIONS[action][1]

        def one(p: Person) -> Any:
            return run(org, p, actor=actor, choice=choice)
    else:
        raise PersonError("Choose what to do.", "action")

    problems: list[tuple[Person, str]] = []
    with transaction.atomic():
        for person in people:
            try:
                with transaction.atomic():  # a savepoint: one refusal leaves the rest to try
                    one(person)
            except PersonError as error:
                problems.append((person, str(error)))
        if problems:
            raise BulkError(problems)
        record(
            org,
            actor,
            "people.bulk_changed",
            org,
            data={"action": action, "count": len(people)},
            target_label=f"{len(people)} {'person' if len(people) == 1 else 'people'}",
        )
    return len(people)
