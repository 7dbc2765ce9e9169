"""One row per scheduled job and due time ("slot"): the row's uniqueness is what makes a
job due once run once, however many workers tick at the same moment."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """Not tenant-owned: a run covers every organization (each in its own scope) and is
    the operator's to see, in the admin and `manage.py jobs`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=60)
    due_at = models.DateTimeField(help_text="The slot this run is for (one run per job and slot).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the last try")
    # {"done": {org_id: summary}, "failed": {org_id: error}}; a retry skips the done ones
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-due_at", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "due_at"], name="jobs_one_run_per_slot"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="jobs_run_status_idx")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M} ({self.status})"
