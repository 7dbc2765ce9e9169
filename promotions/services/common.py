"""Helpers shared by the promotion services."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from organizations.actors import Actor
from organizations.audit import actor_label, record
from promotions.access import Viewer, can_write, viewer_of
from promotions.errors import CaseLocked, NotAllowed, PromotionError
from promotions.models import PromotionCase
from reviews.services.common import claim_revision

TEXT_LIMIT = 5000


def label(actor: Actor) -> str:
    return actor_label(actor)[:200]


def record_case(case: PromotionCase, actor: Actor, action: str, **details: Any) -> None:
    """The audit entry of a change to `case`, named "<person> → <target level>"."""
    named = f"{case.person.name} → {case.target_label}"
    record(case.organization, actor, action, case, target_label=named, **details)


def words(value: Any, limit: int = TEXT_LIMIT) -> str:
    """Text as typed, trimmed; NUL characters refused upstream by the forms and the API."""
    return str(value or "").replace("\x00", "").strip()[:limit]


def require_writer(case: PromotionCase, actor: Actor) -> Viewer:
    viewer = viewer_of(actor)
    if not can_write(case, viewer):
        raise NotAllowed("Only HR and the managers above the person can change this case.")
    return viewer


def lock_case(case: PromotionCase, expected_revision: int | None, *statuses: str) -> None:
    """Claim the case's next revision; refuse a closed case or another status."""
    fresh = PromotionCase.objects.filter(pk=case.pk).values_list("status", flat=True).first()
    if fresh is None:
        raise PromotionError("This promotion case no longer exists.")
    if fresh in PromotionCase.CLOSED:
        raise CaseLocked()
    if statuses and fresh not in statuses:
        names = " or ".join(str(PromotionCase.Status(s).label).lower() for s in statuses)
        raise PromotionError(f"This can only be done while the case is {names}.")
    claim_revision(
        PromotionCase, case, expected_revision, "this promotion case", status__in=[fresh]
    )
    case.status = fresh
    case.updated_at = timezone.now()
