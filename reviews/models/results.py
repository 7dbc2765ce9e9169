"""What a cycle produces: final ratings (calibration), reminders sent, fixes applied."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key, user_link


class FinalRating(TenantModel):
    """A competency's rating for one participant. `proposed` is the manager's rating (the
    mean of their statement ratings at the person's level); calibration may change
    `final`, always with a reason."""

    organization = organization_key()
    participant = models.ForeignKey(
        "reviews.Participant", on_delete=models.CASCADE, related_name="final_ratings"
    )
    competency_uid = models.CharField(max_length=16)
    competency_name = models.CharField(max_length=160)
    category_name = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0)
    proposed = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    final = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)
    adjusted_by = user_link()
    adjusted_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["participant", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "competency_uid"], name="uniq_final_rating"
            )
        ]
        indexes = [models.Index(fields=["organization", "participant"])]

    def __str__(self) -> str:
        return f"{self.competency_name}: {self.final}"

    @property
    def adjusted(self) -> bool:
        return self.final != self.proposed


class Reminder(TenantModel):
    """One reminder e-mail to one reviewer about one phase of one cycle. The unique key
    makes sending idempotent: a reminder is created once and claimed once."""

    organization = organization_key()
    cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.CASCADE, related_name="reminders"
    )
    reviewer = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=12)
    key = models.CharField(max_length=40, help_text="'due-in-7', 'due-in-1', 'now-2026-03-02'")
    forms = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cycle", "reviewer", "phase", "key"],
                name="uniq_review_reminder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase} reminder {self.key} to {self.reviewer_id}"


class FixApplication(TenantModel):
    """A published framework fix applied to a cycle's open forms (the audit log has the
    details too)."""

    organization = organization_key()
    cycle = models.ForeignKey("reviews.ReviewCycle", on_delete=models.CASCADE, related_name="fixes")
    family = models.ForeignKey("frameworks.JobFamily", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="+"
    )
    forms = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    applied_by = user_link()
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return f"{self.version} applied to {self.cycle}"
