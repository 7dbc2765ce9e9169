"""Helpers shared by the review-cycle services."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from organizations.models import Membership
from organizations.prepared import Prepared
from people.models import Person
from people.selectors import known_person
from reviews.errors import NotAllowed, ReviewError, StaleError
from reviews.models import ReviewCycle


def claim_revision(
    model: type[models.Model], obj: Any, expected_revision: int | None, what: str, **filters: Any
) -> int:
    """Bump `obj.revision` if it is still `expected_revision` (and `filters` hold), or raise
    StaleError. `None` is for code that owns the object outright (launch, seeding)."""
    qs = model._default_manager.filter(pk=obj.pk, **filters)
    if expected_revision is not None:
        qs = qs.filter(revision=expected_revision)
    fields: dict[str, Any] = {"revision": F("revision") + 1}
    if any(f.name == "updated_at" for f in model._meta.fields):
        fields["updated_at"] = timezone.now()
    if not qs.update(**fields):
        raise StaleError(what)
    if expected_revision is not None:
        obj.revision = expected_revision + 1
    else:
        obj.revision = model._default_manager.values_list("revision", flat=True).get(pk=obj.pk)
    return int(obj.revision)


# every autosave and submit asks: compiled once (organizations/prepared.py)
CYCLE_STATUS = Prepared(
    lambda cycle_id: (
        ReviewCycle.objects.filter(pk=cycle_id).values_list("status", flat=True).order_by("pk")[:1]
    ),
    cycle_id=int,
)


def check_status(cycle: ReviewCycle, *statuses: str) -> str:
    """The cycle's status as stored now; refuse if it is not one of `statuses`."""
    fresh = CYCLE_STATUS.first(cycle_id=cycle.pk)
    if fresh is None:
        raise ReviewError("This review cycle no longer exists.")
    if statuses and fresh not in statuses:
        names = " or ".join(STATUS_WORDS.get(s, s) for s in statuses)
        raise ReviewError(f"This can only be done while the cycle is {names}.")
    cycle.status = fresh
    return fresh


STATUS_WORDS = {
    "draft": "being set up",
    "open": "open",
    "calibration": "in calibration",
    "released": "released",
    "closed": "closed",
}


def lock_cycle(cycle: ReviewCycle, expected_revision: int | None, *statuses: str) -> None:
    """Claim the cycle's next revision; refuse if it is not in one of `statuses`."""
    check_status(cycle, *statuses)
    claim_revision(ReviewCycle, cycle, expected_revision, "this review cycle")


def membership_of(user: Any) -> Membership | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return Membership.objects.filter(user=user, is_active=True).first()


def is_admin(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.is_admin)


def require_admin(user: Any) -> None:
    if not is_admin(user):
        raise NotAllowed("Only an HR admin or an owner can do this.")


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "pk", None):
        return None
    known, person = known_person(user)  # the request's own lookup, when the view made it
    if known:
        return person
    return Person.objects.filter(user=user).order_by("pk").first()  # one at most
