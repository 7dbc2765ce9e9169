"""The organization's rating scale."""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from organizations.actors import Actor
from organizations.audit import record
from organizations.models import Organization
from reviews.errors import ReviewError, StaleError
from reviews.models import DEFAULT_MEETS, DEFAULT_POINTS, RatingScale


def ensure_scale(org: Organization) -> RatingScale:
    """The organization's scale, created with the default 1–5 definitions when missing."""
    scale = RatingScale.objects.filter(organization=org).first()
    if scale is None:
        scale, _ = RatingScale.objects.get_or_create(
            organization=org,
            defaults={"points": copy.deepcopy(DEFAULT_POINTS), "meets": DEFAULT_MEETS},
        )
    return scale


def update_scale(
    org: Organization,
    *,
    points: list[dict[str, Any]],
    meets: int,
    expected_revision: int,
    actor: Actor,
) -> RatingScale:
    """Change the labels and definitions of the scale's points and which point means
    "meets the level". The values themselves stay (past ratings keep their meaning; each
    cycle also keeps its own copy of the scale)."""
    org.ensure_writable()
    scale = ensure_scale(org)
    by_value = {int(p["value"]): p for p in points}
    errors = []
    new_points = []
    for old in scale.points:
        value = int(old["value"])
        given = by_value.get(value, {})
        label = " ".join(str(given.get("label", "")).split())
        definition = " ".join(str(given.get("definition", "")).split())
        if not label:
            errors.append((f"label_{value}", f"Give point {value} a short label."))
        if not definition:
            errors.append((f"definition_{value}", f"Write what point {value} means."))
        if len(label) > 60:
            errors.append(
                (f"label_{value}", f"Keep the label of point {value} under 60 characters.")
            )
        if len(definition) > 400:
            errors.append(
                (
                    f"definition_{value}",
                    f"Keep the definition of point {value} under 400 characters.",
                )
            )
        new_points.append({"value": value, "label": label, "definition": definition})
    if meets not in {int(p["value"]) for p in scale.points}:
        errors.append(("meets", "Choose which point means “meets the level”."))
    if errors:
        raise ReviewError("The rating scale could not be saved.", errors)
    with transaction.atomic():
        updated = RatingScale.objects.filter(pk=scale.pk, revision=expected_revision).update(
            points=new_points, meets=meets, revision=F("revision") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise StaleError("the rating scale")
        before = scale.snapshot()
        scale.refresh_from_db()
        record(
            org,
            actor,
            "rating_scale.changed",
            scale,
            target_label="the rating scale",
            changes={k: [before[k], v] for k, v in scale.snapshot().items() if before[k] != v},
        )
    return scale
