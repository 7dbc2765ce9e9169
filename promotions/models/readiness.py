"""Each person's readiness for the levels one step up, stored so that the readiness list
reads a page of it instead of computing everyone's on each request.

A row is the figure `promotions.selectors.readiness.candidates_for` computes (growth's
readiness rule applied to the person's latest released review), written by
`promotions.services.readiness.refresh_readiness` when it can change: a review cycle is
released, the organization's readiness rule changes, or the person's level or job family
changes. Every person with a level has a row; `listed` is False for those not on a level of
a published ladder (they are not in the list)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, optional_key


class ReadinessRecord(TenantModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # the person's place when it was computed (a different place makes the row stale)
    family = optional_key("frameworks.JobFamily", models.CASCADE)
    level_uid = models.CharField(max_length=16)
    version = optional_key(
        "frameworks.FrameworkVersion",
        models.CASCADE,
        help_text="The ladder version it was read against (the family's current one)",
    )
    listed = models.BooleanField(default=True, help_text="On a level of a published ladder")
    level_code = models.CharField(max_length=20, blank=True)
    level_title = models.CharField(max_length=200, blank=True)
    track = models.CharField(max_length=20, blank=True)
    # the released review cycle it was read from (none: not reviewed on this level yet)
    cycle = optional_key("reviews.ReviewCycle", models.CASCADE)
    participant = optional_key("reviews.Participant", models.CASCADE)
    ready = models.BooleanField(default=False, help_text="Ready for at least one target")
    assessed = models.BooleanField(default=False, help_text="A cycle rated a target")
    best_percent = models.FloatField(default=0, help_text="The best target's exact percent")
    # one per level one step up: level_uid, level_code, level_title, track, changes_track,
    # met, total, percent, ready, assessed and the statements (uid, competency_uid,
    # competency_name, text, ratings, passed); the missing ones are those not passed
    targets = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ready", "-assessed", "-best_percent", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], name="uniq_readiness_person"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "listed", "ready", "assessed", "best_percent"],
                name="readiness_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Readiness of person {self.person_id}"
