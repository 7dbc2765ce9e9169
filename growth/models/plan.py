"""Development plans: action items and their history."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, optional_key, organization_key, user_link


class ActionItem(TenantModel):
    """One thing someone will do to close a gap: it targets a competency (by uid, as
    ladders version) and optionally one statement, has an owner, a resource, a milestone,
    a due date and a status. The employee and their managers update it; every change is
    kept in `ActionItemEvent`."""

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    class ResourceKind(models.TextChoices):
        COURSE = "course", "Course"
        BOOK = "book", "Book or article"
        STRETCH = "stretch", "Stretch assignment"
        MENTOR = "mentor", "Mentor"
        OTHER = "other", "Other"

    LIVE = (Status.OPEN, Status.IN_PROGRESS)

    organization = organization_key("action_items")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="action_items"
    )
    owner = optional_key(
        "people.Person",
        models.SET_NULL,
        help_text="Who does it (the person, or e.g. their manager).",
    )
    competency_uid = models.CharField(max_length=16)
    competency_name = models.CharField(max_length=160)
    statement_uid = models.CharField(max_length=16, blank=True)
    statement_text = models.TextField(blank=True)
    title = models.CharField(max_length=200)
    resource_kind = models.CharField(max_length=10, choices=ResourceKind.choices, blank=True)
    resource = models.CharField(max_length=500, blank=True, help_text="A title or a link")
    milestone = models.CharField(max_length=300, blank=True)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    cycle = optional_key(
        "reviews.ReviewCycle",
        models.SET_NULL,
        help_text="The review cycle whose gap report it came from.",
    )
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, help_text="Last overdue reminder")
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["organization", "person", "status"]),
            models.Index(fields=["organization", "status", "due"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_live and self.due is not None and self.due < today

    @property
    def resource_is_link(self) -> bool:
        return self.resource.startswith(("https://", "http://"))


class ActionItemEvent(TenantModel):
    """The history of an action item: who changed what, when."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Changed"
        STATUS = "status", "Status changed"

    organization = organization_key()
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = user_link()
    actor_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]}")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["organization", "item"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id} at {self.at:%Y-%m-%d}"
