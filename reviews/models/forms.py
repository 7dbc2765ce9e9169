"""Review forms and their items. Items are answered by statement uid and keep a copy of
the statement's text, so a form reads the same after the ladder changes and a published
fix can be applied to open forms item by item.

A submitted form is immutable: the model refuses to save it or its items (and database
triggers refuse an UPDATE, see migration 0002); HR reopening it with a reason is the only
way back (`reviews.services.reopen_form`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key
from organizations.stored_status import StoredStatus
from reviews.errors import ReviewError


class FormLocked(ReviewError):
    """A submitted form (or one of its items) was about to be changed."""

    def __init__(self) -> None:
        super().__init__(
            "This review has been submitted and can no longer be changed. "
            "HR can reopen it if something must be corrected."
        )


class ReviewForm(TenantModel, StoredStatus):
    class Kind(models.TextChoices):
        SELF = "self", "Self-review"
        MANAGER = "manager", "Manager review"
        PEER = "peer", "Peer feedback"
        UPWARD = "upward", "Upward feedback"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    organization = organization_key()
    cycle = models.ForeignKey("reviews.ReviewCycle", on_delete=models.CASCADE, related_name="forms")
    participant = models.ForeignKey(
        "reviews.Participant", on_delete=models.CASCADE, related_name="forms"
    )
    reviewer = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="+"
    )
    overall_comment = models.TextField(blank=True)
    summaries = models.JSONField(
        default=dict, blank=True, help_text="{competency uid: summary} written on the form"
    )
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["cycle", "participant", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "reviewer", "kind"], name="uniq_review_form"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "cycle", "status"]),
            models.Index(fields=["organization", "reviewer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.participant_id} by {self.reviewer_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._loaded_status == self.Status.SUBMITTED and not getattr(self, "_reopening", False):
            raise FormLocked()
        super().save(*args, **kwargs)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_anonymous(self) -> bool:
        """Peer and upward answers are only ever shown aggregated."""
        return self.kind in (self.Kind.PEER, self.Kind.UPWARD)

    @property
    def phase(self) -> str:
        return {"self": "self", "manager": "manager", "peer": "peer", "upward": "peer"}[self.kind]

    @property
    def due(self) -> dt.date | None:
        return self.cycle.deadline(self.phase)

    @property
    def is_late(self) -> bool:
        """Not submitted, and its phase's deadline has passed (as the completion pages count)."""
        due = self.due
        return not self.is_submitted and due is not None and due < timezone.localdate()


def by_deadline(forms: list[ReviewForm]) -> list[ReviewForm]:
    """The forms soonest due first (late ones at the top); without a deadline last; the
    given order kept otherwise (the Reviews page and the home page's to-do)."""
    return sorted(forms, key=lambda f: (f.due is None, f.due or dt.date.max))


class FormItem(TenantModel):
    """One statement on a form, with its answer."""

    class Section(models.TextChoices):
        LEVEL = "level", "At their level"
        NEXT = "next", "At the next level"

    organization = organization_key()
    form = models.ForeignKey(ReviewForm, on_delete=models.CASCADE, related_name="items")
    statement_uid = models.CharField(max_length=16)
    competency_uid = models.CharField(max_length=16)
    competency_name = models.CharField(max_length=160)
    category_name = models.CharField(max_length=120, blank=True)
    level_uid = models.CharField(max_length=16)
    level_code = models.CharField(max_length=20)
    section = models.CharField(max_length=8, choices=Section.choices, default=Section.LEVEL)
    text = models.TextField()
    evidence_kinds = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    evidence = models.TextField(blank=True, help_text="A link or a few words")
    evidence_kind = models.CharField(max_length=20, blank=True)

    # a published fix applied to the form
    needs_new_rating = models.BooleanField(default=False)
    previous_text = models.TextField(blank=True)
    archived = models.BooleanField(default=False, help_text="Removed from the ladder by a fix")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["form", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "statement_uid"], name="uniq_form_statement")
        ]
        indexes = [models.Index(fields=["organization", "form"])]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if ReviewForm.objects.filter(pk=self.form_id, status=ReviewForm.Status.SUBMITTED).exists():
            raise FormLocked()
        super().save(*args, **kwargs)

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.strip())
