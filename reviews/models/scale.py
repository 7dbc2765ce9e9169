"""The organization's rating scale: the written definition behind every rating."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel

DEFAULT_POINTS: list[dict[str, Any]] = [
    {
        "value": 1,
        "label": "Not yet shown",
        "definition": "Not yet shown: there is no example of this in the period.",
    },
    {
        "value": 2,
        "label": "Sometimes shown",
        "definition": "Sometimes shown: there are examples, but not yet reliably.",
    },
    {
        "value": 3,
        "label": "Consistently shows this",
        "definition": "Consistently shows this: meets what the level expects.",
    },
    {
        "value": 4,
        "label": "Shows it beyond the level",
        "definition": "Shows it beyond the level: often goes further than the level expects.",
    },
    {
        "value": 5,
        "label": "A model for others",
        "definition": "A model for others: others learn this from them.",
    },
]
DEFAULT_MEETS = 3


class RatingScale(TenantModel):
    """One per organization. `points` is a list of {value, label, definition}; `meets` is
    the value that means "meets the level" (the expectation gap reports compare with).
    A cycle copies the scale when it is created and again at launch, so a later edit
    never changes the meaning of ratings already given."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
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

    def label(self, value: Any) -> str:
        for p in self.points:
            if value is not None and int(p["value"]) == round(float(value)):
                return str(p["label"])
        return ""

    def definition(self, value: Any) -> str:
        for p in self.points:
            if value is not None and int(p["value"]) == round(float(value)):
                return str(p["definition"])
        return ""

    def is_valid(self, value: Any) -> bool:
        return value in self.values
