"""The organization's rating scale: the written definition behind every rating."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key

DEFAULT_POINTS: list[dict[str, Any]] = [
    {
        "value": 1,
        "label": "Not yet shown",
        "definition": "There is no example of this in the period yet.",
    },
    {
        "value": 2,
        "label": "Sometimes shown",
        "definition": "There are examples, but not reliably yet.",
    },
    {
        "value": 3,
        "label": "Consistently shows this",
        "definition": "Meets the level: does this reliably, without being asked.",
    },
    {
        "value": 4,
        "label": "Shows it beyond the level",
        "definition": "Often goes further than this level expects.",
    },
    {
        "value": 5,
        "label": "A model for others",
        "definition": "Others learn this from them; sets the example in the team.",
    },
]
DEFAULT_MEETS = 3


class RatingScale(TenantModel):
    """One per organization. `points` is a list of {value, label, definition}; `meets` is
    the value that means "meets the level" (the expectation gap reports compare with).
    A cycle copies the scale when it is created and again at launch, so a later edit
    never changes the meaning of ratings already given."""

    organization = organization_key()
    points = models.JSONField(default=list)
    meets = models.PositiveSmallIntegerField(default=DEFAULT_MEETS)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="uniq_rating_scale_per_org")
        ]

    def __str__(self) -> str:
        return f"Rating scale of {self.organization_id}"

    def snapshot(self) -> dict[str, Any]:
        return {"points": list(self.points), "meets": self.meets}


class Scale:
    """A read-only view of a scale snapshot ({points, meets}), as cycles store it."""

    def __init__(self, data: dict[str, Any] | None) -> None:
        data = data or {"points": DEFAULT_POINTS, "meets": DEFAULT_MEETS}
        self.points: list[dict[str, Any]] = sorted(data["points"], key=lambda p: p["value"])
        self.meets: int = int(data["meets"])

    @property
    def values(self) -> list[int]:
        return [int(p["value"]) for p in self.points]

    @property
    def lowest(self) -> int:
        return self.values[0]

    @property
    def highest(self) -> int:
        return self.values[-1]

    def point(self, value: Any) -> dict[str, Any] | None:
        """The point a rating falls on, rounding halves up (2.5 → 3)."""
        if value is None or value == "":
            return None
        nearest = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return next((p for p in self.points if int(p["value"]) == nearest), None)

    def label(self, value: Any) -> str:
        point = self.point(value)
        return str(point["label"]) if point else ""

    def definition(self, value: Any) -> str:
        point = self.point(value)
        return str(point["definition"]) if point else ""

    def is_valid(self, value: Any) -> bool:
        return value in self.values
