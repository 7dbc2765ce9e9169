"""Signals people sends, so that apps above it act without `people` importing them.

`person_deactivated` is sent inside `people.services.set_active`'s transaction when a
person is deactivated (accounts revokes their open invitations). Keyword arguments:
`person`, `actor`. (A person with a login also closes it: `organizations.signals.login_closed`.)

`placement_changed` is sent inside `people.services.create_person`'s and `update_person`'s
transaction when a person is added on a level or their job family or level changes
(promotions recomputes their readiness). Keyword arguments: `person`.

Inside `placements_held(organization)` (a bulk import) those changes are collected and
sent once, when the block ends without an error, as `placements_changed`: keyword
arguments `organization`, `person_ids` — one recompute in batches instead of one per person.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.dispatch import Signal

person_deactivated = Signal()
placement_changed = Signal()
placements_changed = Signal()

_held: ContextVar[list[int] | None] = ContextVar("held_placements", default=None)


def send_placement_changed(person: Any) -> None:
    held = _held.get()
    if held is not None:
        held.append(person.pk)
    else:
        placement_changed.send(sender=type(person), person=person)


@contextmanager
def placements_held(organization: Any) -> Iterator[None]:
    held: list[int] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    if held:
        placements_changed.send(sender=None, organization=organization, person_ids=held)
