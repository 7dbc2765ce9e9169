"""The organization's growth settings: the readiness rule, stated in words on every
gap report and reused by promotions."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key, user_link

DEFAULT_PERCENT = 80
DEFAULT_SUGGESTIONS = 3


class Rater(models.TextChoices):
    MANAGER = "manager", "the manager"
    MANAGER_AND_SELF = "manager_and_self", "both the manager and the person themselves"


class GrowthSettings(TenantModel):
    """At most one per organization; missing means the defaults
    (`growth.selectors.rule_for`). Only `growth.services.update_settings` writes it."""

    organization = organization_key()
    readiness_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_PERCENT,
        help_text="Share of the next level's statements that must be rated high enough.",
    )
    readiness_rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The lowest rating that counts; empty for the scale's “meets” point.",
    )
    readiness_rater = models.CharField(max_length=20, choices=Rater.choices, default=Rater.MANAGER)
    suggestions = models.PositiveSmallIntegerField(
        default=DEFAULT_SUGGESTIONS,
        help_text="How many of the largest gaps get a suggested action item.",
    )
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = user_link()

    class Meta:
        verbose_name_plural = "growth settings"
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="uniq_growth_settings_per_org"),
            models.CheckConstraint(
                condition=models.Q(readiness_percent__gte=1, readiness_percent__lte=100),
                name="growth_readiness_percent_1_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Growth settings of {self.organization_id}"
