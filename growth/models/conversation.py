"""Career conversations a manager holds with a report, between review cycles."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, optional_key, organization_key, user_link


class CareerConversation(TenantModel):
    """Notes of one career conversation and when to follow up. Seen by the person's
    managers and HR (the results conversations of review cycles are shown beside these;
    they live on `reviews.Participant`)."""

    organization = organization_key()
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="career_conversations"
    )
    held_by = optional_key("people.Person", models.SET_NULL)
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    next_follow_up = models.DateField(null=True, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "person"])]

    def __str__(self) -> str:
        return f"Conversation with {self.person_id} on {self.held_on}"
