from __future__ import annotations

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key, user_link


def upload_path(job: ImportJob, filename: str) -> str:
    return f"imports/{job.organization.public_id}/{job.public_id}.xlsx"


class ImportJob(TenantModel):
    """One uploaded Master Template: checked, previewed, then (once confirmed) applied.

    The file and the validated result stay on the server, so the confirmation applies
    exactly what the user previewed."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        INVALID = "invalid", "Has problems"
        READY = "ready", "Ready to import"
        APPLYING = "applying", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    RUNNING = (Status.CHECKING, Status.APPLYING)

    organization = organization_key("import_jobs")
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CHECKING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0–100")
    stage = models.CharField(max_length=120, blank=True, help_text="What is happening now")
    summary = models.JSONField(default=dict, blank=True, help_text="The preview of changes")
    errors = models.JSONField(default=list, blank=True, help_text="Problems found in the file")
    payload = models.JSONField(default=dict, blank=True, help_text="The validated content")
    result = models.JSONField(default=dict, blank=True, help_text="What the import created")
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # the lease: whoever runs the job stamps this while it works; a running job whose
    # stamp is older than IMPORT_STALE_SECONDS lost its process (spreadsheets/leases.py)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    interrupted = models.BooleanField(
        default=False, help_text="Stopped because the process running it died"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return self.original_name or f"Import {self.public_id}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class AppliedChunk(TenantModel):
    """What one committed step of a big import wrote (issue 9, finding 5), so that an
    import that fails part-way can be undone: the keys of the rows it inserted and the
    values the rows it changed had before (`spreadsheets.services.undoing`). Written in
    the same transaction as the step; removed with the step when it is undone, and all
    at once in the transaction that marks the import done."""

    organization = organization_key()
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    undo = models.JSONField(default=dict)

    class Meta:
        ordering = ["job", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="uniq_applied_chunk"),
        ]

    def __str__(self) -> str:
        return f"{self.job} step {self.number}"
