"""Factories shared across the apps' tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def make_people(
    world: Any,
    count: int,
    *,
    manager: Any,
    start: int = 0,
    actor: Any = None,
    name: str = "Person {}",
    email: str = "p{}@acme.test",
    job_family: Any = None,
    level: Any = None,
) -> list[Any]:
    """`count` more people in Acme numbered from `start` (`name` and `email` are formatted
    with the number), through the service as an admin would add them (the owner unless
    `actor` is given). `level` is one level, or a function of the number giving one."""
    from people.services import create_person

    level_of: Callable[[int], Any] = level if callable(level) else lambda _: level
    return [
        create_person(
            world.acme,
            actor=actor or world.owner,
            name=name.format(i),
            email=email.format(i),
            manager=manager,
            job_family=job_family,
            level=level_of(i),
        )
        for i in range(start, start + count)
    ]


def place(person: Any, level: Any, *, actor: Any, **changes: Any) -> None:
    """`actor` puts `person` on `level`, in that level's job family, through the people
    service (`changes`: more of what update_person takes, such as level_reason)."""
    from people.services import update_person

    update_person(
        person,
        actor=actor,
        expected_revision=None,
        job_family=level.version.family,
        level=level,
        **changes,
    )
