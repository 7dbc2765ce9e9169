"""An organization's full export (a zip built by the worker) and its scheduled deletion."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import (
    PublicIdField,
    TenantModel,
    optional_key,
    organization_key,
    user_link,
)


def export_path(instance: OrganizationExport, filename: str) -> str:
    return f"exports/{instance.public_id}.zip"


class OrganizationExport(TenantModel):
    """Everything the organization holds, as a zip of JSON files plus uploaded files.
    Built by the background worker; kept `ORGANIZATION_EXPORT_KEEP_DAYS`, then removed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    organization = organization_key()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    requested_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"Export of {self.created_at:%Y-%m-%d %H:%M}"


class OrganizationDeletion(models.Model):
    """A deletion an owner scheduled. Not tenant-owned: the operator sees every pending
    one, and the row outlives the organization as the record that it was carried out
    (name and dates only; the owners' addresses are cleared once they are told)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        RUNNING = "running", "Deleting"
        DONE = "done", "Deleted"

    organization = optional_key(
        "organizations.Organization", models.SET_NULL, related_name="deletions"
    )
    public_id = PublicIdField()
    organization_name = models.CharField(max_length=120)
    organization_slug = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    due_at = models.DateTimeField()
    notify = models.JSONField(default=list, blank=True, help_text="The owners' addresses")
    requested_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = user_link()
    done_at = models.DateTimeField(null=True, blank=True)
    deleted_rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status__in=["scheduled", "running"]),
                name="one_pending_deletion_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.get_status_display()}, due {self.due_at:%Y-%m-%d})"
