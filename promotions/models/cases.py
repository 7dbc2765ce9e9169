"""A promotion case: a nominee, a target level one step up, the manager's case written
against each of the target level's statements with its evidence, reviewers and
approvers, and a decision.

A case pins the published framework version its criteria came from (PROTECT) and keeps
a copy of every statement's text, so it reads the same after the ladder changes.

**A decided (or withdrawn) case is immutable**, below the services too: the models refuse
to save or delete it or anything in it (`CaseLocked`), and database triggers refuse an
UPDATE of a closed case's row and any INSERT or UPDATE of its parts
(`promotions/db_guards.py`). The parts therefore carry no nullable links that a deleted
user could clear; they keep names as text."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, optional_key, organization_key, user_link
from organizations.stored_status import StoredStatus
from promotions.errors import CaseLocked


class PromotionCase(TenantModel, StoredStatus):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being written"
        IN_REVIEW = "in_review", "In review"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        NOT_YET = "not_yet", "Not yet"
        DECLINE = "decline", "Declined"

    OPEN = (Status.DRAFT, Status.IN_REVIEW)
    CLOSED = (Status.DECIDED, Status.WITHDRAWN)

    organization = organization_key("promotion_cases")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    manager = optional_key(
        "people.Person",
        models.SET_NULL,
        help_text="Who writes the case (the person's manager, or whoever opened it).",
    )
    family = models.ForeignKey("frameworks.JobFamily", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The published version the criteria came from.",
    )
    from_level_uid = models.CharField(max_length=16)
    from_level_code = models.CharField(max_length=20)
    from_level_title = models.CharField(max_length=120, blank=True)
    from_track = models.CharField(max_length=10, blank=True)
    target_level_uid = models.CharField(max_length=16)
    target_level_code = models.CharField(max_length=20)
    target_level_title = models.CharField(max_length=120, blank=True)
    target_track = models.CharField(max_length=10, blank=True)
    readiness = models.JSONField(
        default=dict,
        blank=True,
        help_text="The readiness rule's result when the case was opened (figure, rule, cycle).",
    )
    summary = models.TextField(blank=True, help_text="The manager's case in a few sentences")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    round = optional_key("promotions.PromotionRound", models.PROTECT, related_name="cases")

    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    rationale = models.TextField(blank=True)
    effective_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = user_link()
    decided_by_label = models.CharField(max_length=200, blank=True)
    record = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the decision rested on, as it was: criteria version, ratings, "
        "evidence, reviewers and approvers with their times.",
    )

    opened_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "person"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person"],
                condition=models.Q(status__in=["draft", "in_review"]),
                name="uniq_open_promotion_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.target_level_code}"

    @property
    def decided_by_name(self) -> str:
        """Who decided, as the nominee reads it: the name without the e-mail address."""
        name = self.decided_by_label.split(" <", 1)[0].strip()
        return "HR" if not name or "@" in name else name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._loaded_status in self.CLOSED:
            raise CaseLocked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status in self.CLOSED or self._loaded_status in self.CLOSED:
            raise CaseLocked()
        return super().delete(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED

    @property
    def approved(self) -> bool:
        return self.decision == self.Decision.APPROVE

    @property
    def from_label(self) -> str:
        return f"{self.from_level_code} {self.from_level_title}".strip()

    @property
    def target_label(self) -> str:
        return f"{self.target_level_code} {self.target_level_title}".strip()

    @property
    def changes_track(self) -> bool:
        tracks = {self.from_track, self.target_track}
        return "shared" not in tracks and len(tracks) == 2


class CasePart(TenantModel):
    """Something inside a case: refuses to change once the case is closed."""

    class Meta:
        abstract = True

    def _case_id(self) -> int:
        return int(self.case_id)  # type: ignore[attr-defined]

    def _case_closed(self) -> bool:
        return PromotionCase.objects.filter(
            pk=self._case_id(), status__in=PromotionCase.CLOSED
        ).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._case_closed():
            raise CaseLocked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._case_closed():
            raise CaseLocked()
        return super().delete(*args, **kwargs)


class CaseStatement(CasePart):
    """One statement of the target level, with the manager's words about it."""

    organization = organization_key()
    case = models.ForeignKey(PromotionCase, on_delete=models.CASCADE, related_name="statements")
    statement_uid = models.CharField(max_length=16)
    competency_uid = models.CharField(max_length=16)
    competency_name = models.CharField(max_length=160)
    category_name = models.CharField(max_length=120, blank=True)
    level_code = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)
    argument = models.TextField(blank=True, help_text="The manager's case for this statement")

    class Meta:
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "statement_uid"], name="uniq_case_statement")
        ]

    def __str__(self) -> str:
        return self.text[:60]


def artifact_path(artifact: CaseArtifact, filename: str) -> str:
    """Stored under a random name: nothing of the uploaded file name reaches the disk."""
    case = PromotionCase.objects.only("public_id").get(pk=artifact.case_id)
    org = artifact.organization.public_id
    return f"promotions/{org}/{case.public_id}/{artifact.public_id}.{artifact.extension}"


class CaseArtifact(CasePart):
    """A file attached to a case (a design doc, a review write-up). Size- and
    type-limited on upload (`promotions.artifacts`), stored under a random name, served
    only to those who may see the case, always as a download."""

    organization = organization_key()
    case = models.ForeignKey(PromotionCase, on_delete=models.CASCADE, related_name="artifacts")
    file = models.FileField(upload_to=artifact_path, max_length=200)
    name = models.CharField(max_length=200, help_text="The file's name as uploaded")
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by_label = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CaseEvidence(CasePart):
    """A piece of evidence for one statement, copied when it was attached: a rating from
    a review (with the reviewer's comment and evidence), an action item, or a file."""

    class Kind(models.TextChoices):
        RATING = "rating", "Review rating"
        ACTION_ITEM = "action_item", "Action item"
        ARTIFACT = "artifact", "File"

    organization = organization_key()
    case = models.ForeignKey(PromotionCase, on_delete=models.CASCADE, related_name="evidence")
    statement = models.ForeignKey(CaseStatement, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    source_id = models.CharField(max_length=16, help_text="Public id of what it was copied from")
    artifact = optional_key(CaseArtifact, models.PROTECT, related_name="uses")
    label = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    dated = models.DateField(null=True, blank=True)
    added_by_label = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["statement", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind", "source_id"], name="uniq_case_evidence"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.source_id}"


class CaseReviewer(CasePart):
    """A reviewer (gives a recommendation) or an approver (must approve before a case can
    be approved) of a case, and what they said."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer"
        APPROVER = "approver", "Approver"

    class Verdict(models.TextChoices):
        PENDING = "", "Not yet given"
        APPROVE = "approve", "Approve"
        NOT_YET = "not_yet", "Not yet"
        DECLINE = "decline", "Decline"

    organization = organization_key()
    case = models.ForeignKey(PromotionCase, on_delete=models.CASCADE, related_name="reviewers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    comment = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="uniq_case_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"


class CaseGap(CasePart):
    """For a "not yet": one gap the person is asked to close, offered to them as an
    action item they can accept (`GapAcceptance`)."""

    organization = organization_key()
    case = models.ForeignKey(PromotionCase, on_delete=models.CASCADE, related_name="gaps")
    statement_uid = models.CharField(max_length=16)
    competency_uid = models.CharField(max_length=16)
    competency_name = models.CharField(max_length=160)
    text = models.TextField()
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "statement_uid"], name="uniq_case_gap")
        ]

    def __str__(self) -> str:
        return self.title


class GapAcceptance(TenantModel):
    """The person accepted a gap of a "not yet" decision: the action item it became.
    Kept apart from the (immutable) case."""

    organization = organization_key()
    gap = models.OneToOneField(CaseGap, on_delete=models.CASCADE, related_name="acceptance")
    action_item = optional_key("growth.ActionItem", models.SET_NULL)
    accepted_by = user_link()
    accepted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Accepted {self.gap_id}"
