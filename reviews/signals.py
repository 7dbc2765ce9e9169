"""Receivers `reviews` connects in its AppConfig.ready (organizations imports no domain app)."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from organizations.models import Organization
from organizations.scoping import scope

# sent by `reviews.services.release_cycle` inside its transaction, once the cycle is
# released (promotions stores its participants' readiness). Keyword arguments: `cycle`.
cycle_released = Signal()


def give_new_organization_a_scale(
    sender: Any, instance: Organization, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Every organization has a rating scale from its first moment (the default 1–5)."""
    if not created or raw:
        return
    from reviews.services.scale import ensure_scale

    with scope(instance):
        ensure_scale(instance)
