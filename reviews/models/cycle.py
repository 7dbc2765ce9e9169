"""A review cycle, who is in it, and who their peers are."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, optional_key, organization_key, user_link

MIN_PEER_THRESHOLD = 3


class Phase(models.TextChoices):
    """The steps of a cycle that have a deadline."""

    NOMINATIONS = "nominations", "Peer nominations"
    SELF = "self", "Self-reviews"
    PEER = "peer", "Peer feedback"
    MANAGER = "manager", "Manager reviews"
    CALIBRATION = "calibration", "Calibration"


class ReviewCycle(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being set up"
        OPEN = "open", "Open"
        CALIBRATION = "calibration", "Calibration"
        RELEASED = "released", "Results released"
        CLOSED = "closed", "Closed"

    class SelfVisibility(models.TextChoices):
        AFTER_OWN = "after_own", "After the manager has submitted their own review"
        WHEN_SUBMITTED = "when_submitted", "As soon as the self-review is submitted"

    organization = organization_key("review_cycles")
    name = models.CharField(max_length=120)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    # inputs
    self_review = models.BooleanField(default=True)
    manager_review = models.BooleanField(default=True)
    peer_min = models.PositiveSmallIntegerField(
        default=3, help_text="Minimum number of peers per person; 0 for no peer feedback."
    )
    upward = models.BooleanField(default=False, help_text="Reports review their manager.")
    include_next_level = models.BooleanField(default=False)
    peer_competency_uids = models.JSONField(
        default=list, blank=True, help_text="Competencies peers answer; empty for all."
    )
    peer_threshold = models.PositiveSmallIntegerField(
        default=MIN_PEER_THRESHOLD,
        help_text="Peer input is shown only when at least this many peers answered (≥ 3).",
    )
    manager_sees_self = models.CharField(
        max_length=16, choices=SelfVisibility.choices, default=SelfVisibility.AFTER_OWN
    )

    # deadlines per phase
    nominations_due = models.DateField(null=True, blank=True)
    self_due = models.DateField(null=True, blank=True)
    peer_due = models.DateField(null=True, blank=True)
    manager_due = models.DateField(null=True, blank=True)
    calibration_due = models.DateField(null=True, blank=True)

    participant_rule = models.JSONField(
        default=dict, blank=True, help_text="How participants were chosen (kept for copies)."
    )
    scale = models.JSONField(default=dict, blank=True, help_text="The rating scale used.")
    copied_from = optional_key("self", models.SET_NULL)
    revision = models.PositiveIntegerField(default=0)
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    launched_at = models.DateTimeField(null=True, blank=True)
    calibration_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(peer_threshold__gte=MIN_PEER_THRESHOLD),
                name="review_peer_threshold_at_least_3",
            )
        ]

    def __str__(self) -> str:
        return self.name

    DEADLINE_FIELDS = {
        Phase.NOMINATIONS: "nominations_due",
        Phase.SELF: "self_due",
        Phase.PEER: "peer_due",
        Phase.MANAGER: "manager_due",
        Phase.CALIBRATION: "calibration_due",
    }

    def deadline(self, phase: str) -> dt.date | None:
        name = self.DEADLINE_FIELDS.get(Phase(phase))
        return getattr(self, name) if name else None

    @property
    def deadlines(self) -> dict[str, dt.date | None]:
        return {phase.value: getattr(self, name) for phase, name in self.DEADLINE_FIELDS.items()}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.RELEASED, self.Status.CLOSED)

    @property
    def peers_on(self) -> bool:
        return self.peer_min > 0

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start:%-d %b %Y} – {self.period_end:%-d %b %Y}"
        return ""


class Participant(TenantModel):
    """Someone reviewed in a cycle. At launch the published version of their family is
    pinned, with their level (by uid) and the level(s) one step up."""

    organization = organization_key()
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    manager = optional_key(
        "people.Person",
        models.PROTECT,
        help_text="Who writes the manager review (the line manager unless HR reassigns).",
    )
    manager_reassigned = models.BooleanField(default=False)
    family = optional_key("frameworks.JobFamily", models.PROTECT)
    version = optional_key("frameworks.FrameworkVersion", models.PROTECT)
    level_uid = models.CharField(max_length=16, blank=True)
    level_code = models.CharField(max_length=20, blank=True)
    level_title = models.CharField(max_length=120, blank=True)
    next_levels = models.JSONField(
        default=list, blank=True, help_text="[{uid, code, title}] of the level(s) one step up"
    )
    added_at = models.DateTimeField(default=timezone.now)

    # after release
    conversation_on = models.DateField(null=True, blank=True)
    conversation_notes = models.TextField(blank=True)
    conversation_by = user_link()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="uniq_cycle_participant")
        ]
        indexes = [models.Index(fields=["organization", "cycle"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.cycle}"


class PeerNomination(TenantModel):
    """A proposed peer reviewer. The reviewee or the manager nominates; the manager (or HR)
    approves. An approved nomination in an open cycle has a peer form."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    organization = organization_key()
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="nominations"
    )
    peer = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    nominated_by = user_link()
    decided_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "peer"], name="uniq_peer_nomination")
        ]

    def __str__(self) -> str:
        return f"{self.peer} for {self.participant}"
