"""The organization's growth settings: the readiness rule and how many suggestions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from growth.models import GrowthSettings, Rater
from growth.signals import readiness_rule_changed
from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Organization
from reviews.errors import ReviewError, StaleError
from reviews.models import Scale
from reviews.services import ensure_scale
from reviews.services.common import require_admin

FIELDS = ["readiness_percent", "readiness_rating", "readiness_rater", "suggestions"]
RULE_FIELDS = {"readiness_percent", "readiness_rating", "readiness_rater"}
MAX_SUGGESTIONS = 10


def update_settings(
    org: Organization,
    *,
    actor: Actor,
    expected_revision: int,
    readiness_percent: Any,
    readiness_rating: Any,
    readiness_rater: str,
    suggestions: Any,
) -> GrowthSettings:
    """Change the readiness rule ("the manager rated at least 80% of the next level's
    statements 3 or higher") and how many gaps get a suggested action item.
    `expected_revision` is the revision read (0 while the organization has the defaults).
    `readiness_rating` None means the rating scale's "meets" point."""
    org.ensure_writable()
    require_admin(actor)
    scale = Scale(ensure_scale(org).snapshot())
    errors: list[tuple[str, str]] = []
    percent = _int(readiness_percent)
    if percent is None or not 1 <= percent <= 100:
        errors.append(("readiness_percent", "Enter a percentage from 1 to 100."))
    rating = None if readiness_rating in (None, "") else _int(readiness_rating)
    if readiness_rating not in (None, "") and (rating is None or not scale.is_valid(rating)):
        errors.append(
            ("readiness_rating", f"Choose a rating from {scale.lowest} to {scale.highest}.")
        )
    if readiness_rater not in Rater.values:
        errors.append(("readiness_rater", "Choose whose ratings count."))
    count = _int(suggestions)
    if count is None or not 0 <= count <= MAX_SUGGESTIONS:
        errors.append(("suggestions", f"Enter a number from 0 to {MAX_SUGGESTIONS}."))
    if errors:
        raise ReviewError("The settings were not saved.", errors)
    values = {
        "readiness_percent": percent,
        "readiness_rating": rating,
        "readiness_rater": readiness_rater,
        "suggestions": count,
    }
    user = user_of(actor)
    with transaction.atomic():
        row = GrowthSettings.objects.select_for_update().filter(organization=org).first()
        if row is None:
            if expected_revision != 0:
                raise StaleError("these settings")
            before = {k: getattr(GrowthSettings(), k) for k in FIELDS}
            row = GrowthSettings.objects.create(
                organization=org, revision=1, updated_by=user, **values
            )
        else:
            before = {k: getattr(row, k) for k in FIELDS}
            updated = GrowthSettings.objects.filter(pk=row.pk, revision=expected_revision).update(
                **values, revision=F("revision") + 1, updated_at=timezone.now(), updated_by=user
            )
            if not updated:
                raise StaleError("these settings")
            row.refresh_from_db()
        changes = {k: [before[k], values[k]] for k in FIELDS if before[k] != values[k]}
        if changes:
            record(
                org,
                actor,
                "growth_settings.changed",
                row,
                target_label="growth settings",
                changes=changes,
            )
        if set(changes) & RULE_FIELDS:
            readiness_rule_changed.send(sender=GrowthSettings, organization=org)
    return row


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
