"""Promotion rounds: a committee reviews a batch of cases side by side and decides them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key, user_link


class PromotionRound(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    organization = organization_key("promotion_rounds")
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    decide_by = models.DateField(null=True, blank=True, help_text="When the committee meets")
    notes = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundMember(TenantModel):
    """Someone on a round's committee."""

    organization = organization_key()
    round = models.ForeignKey(PromotionRound, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="uniq_round_member")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.round}"
