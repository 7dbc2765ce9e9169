"""Career frameworks.

A `JobFamily` is the stable identity of a ladder (Product Management). Its content lives
in `FrameworkVersion`s: at most one editable draft per family, and immutable published
versions. Levels, categories, competencies and statements belong to one version; each
carries a `uid` that stays the same when a draft is copied from a version, so diffs,
people's levels and review cycles can follow an item across versions.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from frameworks import limits
from frameworks.errors import PublishedVersionError
from organizations.scoping import (
    TenantManager,
    TenantModel,
    TenantQuerySet,
    new_public_id,
    optional_key,
    organization_key,
    user_link,
)


class Track(models.TextChoices):
    SHARED = "shared", "Shared"
    IC = "ic", "IC"
    MANAGER = "manager", "Manager"


class EvidenceKind(models.TextChoices):
    WRITTEN_ARTIFACT = "written_artifact", "Written artifact"
    DECISION_RECORD = "decision_record", "Decision record"
    INPUT_360 = "360_input", "360 input"
    METRIC = "metric", "Metric"
    OTHER = "other", "Other"


SCOPE_SUGGESTIONS = ["Feature", "Product area", "Product line", "Portfolio", "Company"]


class JobFamily(TenantModel):
    organization = organization_key("job_families")
    name = models.CharField(max_length=120)
    key = models.SlugField(max_length=60)
    description = models.TextField(blank=True, max_length=limits.FAMILY_DESCRIPTION)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # a family with a published version is archived, never deleted: its versions stay
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "job families"
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="uniq_family_key"),
            models.UniqueConstraint(fields=["organization", "name"], name="uniq_family_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class FrameworkVersion(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    organization = organization_key()
    # PROTECT: a family with a published version is archived, never deleted with it
    family = models.ForeignKey(JobFamily, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(
        help_text="1, 2, 3… for published versions; a draft carries the number it will get."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(blank=True, max_length=limits.VERSION_NOTE + 500)  # + the flags line
    based_on = optional_key("self", models.SET_NULL)
    source = models.CharField(max_length=120, blank=True, help_text="template, import, …")
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every edit of a draft; guards concurrent edits."
    )
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_by = user_link()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["family", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "family"],
                condition=models.Q(status="draft"),
                name="one_draft_per_family",
            ),
            models.UniqueConstraint(
                fields=["organization", "family", "number"],
                condition=models.Q(status="published"),
                name="uniq_published_number",
            ),
        ]
        indexes = [models.Index(fields=["organization", "family", "status"])]

    def __str__(self) -> str:
        label = "draft" if self.is_draft else f"v{self.number}"
        return f"{self.family.name} {label}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def _stored_as_published(self) -> bool:
        return (
            self.pk is not None
            and FrameworkVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self._stored_as_published():
            raise PublishedVersionError(f"{self.family.name} v{self.number}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._stored_as_published():
            raise PublishedVersionError(f"{self.family.name} v{self.number}")
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"Draft of v{self.number}" if self.is_draft else f"v{self.number}"

    @property
    def source_label(self) -> str:
        """Where a version's content came from, in words ("the Design template")."""
        kind, _, detail = (self.source or "").partition(":")
        if kind == "template" and detail:
            from frameworks.library import get_template_info

            try:
                return f"the {get_template_info(detail).name} template"
            except (KeyError, LookupError, FileNotFoundError):
                return "a template"
        if kind == "import":
            return f"a spreadsheet import{f' ({detail})' if detail else ''}"
        if self.based_on_id:
            return self.based_on.label if self.based_on else "an earlier version"
        return self.source or "a blank ladder"


class VersionedQuerySet(TenantQuerySet):
    """Bulk updates and deletes refuse rows of a published version (the database
    refuses updates too; see migration 0004)."""

    def _refuse_published(self) -> None:
        if self.filter(version__status=FrameworkVersion.Status.PUBLISHED).exists():
            raise PublishedVersionError(f"A {self.model._meta.verbose_name}")

    def update(self, **kwargs: Any) -> int:
        self._refuse_published()
        return super().update(**kwargs)

    def delete(self) -> Any:
        self._refuse_published()
        return super().delete()


class VersionedManager(TenantManager.from_queryset(VersionedQuerySet)):  # type: ignore[misc]
    pass


class VersionedItem(TenantModel):
    """Something that belongs to one framework version and keeps a uid across versions.

    Once its version is published it cannot be changed or deleted: `save()` and
    `delete()` raise `PublishedVersionError`, and the database refuses the update."""

    uid = models.CharField(max_length=16, default=new_public_id, db_index=True)
    position = models.PositiveIntegerField(default=0)

    objects = VersionedManager()  # type: ignore[misc]

    class Meta:
        abstract = True

    version: models.ForeignKey[FrameworkVersion]
    version_id: int

    def _in_published_version(self) -> bool:
        """Whether the row's version is published (the version in memory when loaded,
        else one query). The database trigger is the floor for stale objects."""
        version = self._state.fields_cache.get("version")
        if version is not None and version.pk == self.version_id:
            return not version.is_draft
        return FrameworkVersion.objects.filter(
            pk=self.version_id, status=FrameworkVersion.Status.PUBLISHED
        ).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._in_published_version():
            raise PublishedVersionError(f"“{self}”")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._in_published_version():
            raise PublishedVersionError(f"“{self}”")
        return super().delete(*args, **kwargs)


def uid_constraint(kind: str) -> models.UniqueConstraint:
    """One item per uid in a version: the uid is how the item is followed across versions."""
    return models.UniqueConstraint(
        fields=["organization", "version", "uid"], name=f"uniq_{kind}_uid"
    )


class Level(VersionedItem):
    organization = organization_key()
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=120)
    rank = models.IntegerField(help_text="Higher is more senior. IC and Manager may share a rank.")
    track = models.CharField(max_length=10, choices=Track.choices, default=Track.SHARED)
    scope = models.CharField(max_length=80, blank=True)
    summary = models.TextField(blank=True, max_length=limits.LEVEL_SUMMARY)
    key_question = models.TextField(blank=True, max_length=limits.KEY_QUESTION)

    class Meta:
        ordering = ["rank", "position", "track"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_level_code"),
            uid_constraint("level"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CompetencyCategory(VersionedItem):
    organization = organization_key()
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "competency categories"
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="uniq_category_name"),
            uid_constraint("category"),
        ]

    def __str__(self) -> str:
        return self.name


class Competency(VersionedItem):
    organization = organization_key()
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="competencies"
    )
    category = optional_key(CompetencyCategory, models.SET_NULL, related_name="competencies")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=limits.COMPETENCY_DESCRIPTION)
    source = models.CharField(
        max_length=60, blank=True, help_text="e.g. 'onet:2.B.1.a' when added from O*NET"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="uniq_competency_name"),
            uid_constraint("competency"),
        ]

    def __str__(self) -> str:
        return self.name


class Statement(VersionedItem):
    """One behavioral expectation for a competency at a level."""

    organization = organization_key()
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="statements"
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="statements")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(max_length=limits.STATEMENT)
    evidence = models.JSONField(default=list, blank=True, help_text="EvidenceKind values")
    draft_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where a machine-drafted statement came from (e.g. O*NET). Set while no "
        "person has edited or accepted it; the checker flags it until then.",
    )

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["version", "competency", "level"])]
        constraints = [uid_constraint("statement")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def evidence_labels(self) -> list[str]:
        labels = dict(EvidenceKind.choices)
        return [labels.get(kind, kind) for kind in self.evidence]


class DraftEdit(TenantModel):
    """One step of a draft's undo stack: the label the admin sees ("Undo edit of
    Strategy at PM3") and the operation that reverses the edit (see
    `frameworks.services.operations`). Cleared when the draft is published or reloaded."""

    organization = organization_key()
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="undo_stack"
    )
    seq = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    actor = user_link()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["version", "seq"], name="uniq_draft_edit_seq"),
        ]

    def __str__(self) -> str:
        return self.label
