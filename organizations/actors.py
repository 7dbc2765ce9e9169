"""Who makes a change: the `actor` every service takes and the audit log names.

- a signed-in person: their user;
- a system acting on its own (Stripe's events, the company directory over SCIM): a
  `SystemActor`, named in the audit log, with no user behind it;
- the product itself (a scheduled job, a management command): None, named "System"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class SystemActor:
    name: str
    pk: None = None

    def __str__(self) -> str:
        return self.name


type Actor = User | SystemActor | None


def user_of(actor: Actor) -> User | None:
    """The user behind `actor`, for a "created by" or "changed by" column: None for a
    system, whose name only the audit log keeps."""
    if isinstance(actor, SystemActor) or getattr(actor, "pk", None) is None:
        return None
    return actor


def user_id_of(actor: Actor) -> int | None:
    user = user_of(actor)
    return user.pk if user is not None else None
