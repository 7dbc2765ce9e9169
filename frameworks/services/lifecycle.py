"""A draft's life: started (from the latest published version, or an older one to roll
back), discarded, or published — which moves the family's people onto the same-uid
levels of the new version."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from frameworks.errors import FrameworkError
from frameworks.models import DraftEdit, FrameworkVersion, JobFamily, Level
from frameworks.services.loading import version_to_data, write_content
from frameworks.services.versions import (
    bump_revision,
    create_family,
    current_draft,
    ladder_problems,
    latest_published,
    next_number,
)
from organizations.audit import record
from organizations.models import Organization


def start_draft(
    family: JobFamily, *, actor: Any, from_version: FrameworkVersion | None = None
) -> FrameworkVersion:
    """Open a draft copied from `from_version` (default: the latest published version).
    Starting from an older version is how a family is rolled back."""
    org = family.organization
    org.ensure_writable()
    with transaction.atomic():
        existing = current_draft(family)
        if existing is not None:
            if from_version is None or from_version.pk == existing.pk:
                return existing
            raise FrameworkError(
                "This family already has a draft. Publish or discard it before starting "
                "another one."
            )
        if from_version is not None and (
            from_version.family_id != family.pk or from_version.is_draft
        ):
            raise FrameworkError("Start a draft from a published version of this job family.")
        source = from_version or latest_published(family)
        draft = FrameworkVersion.objects.create(
            organization=org,
            family=family,
            number=next_number(family),
            based_on=source,
            source=f"v{source.number}" if source else "blank",
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if source is not None:
            write_content(draft, version_to_data(source))
        record(
            org,
            actor,
            "framework.draft_started",
            draft,
            data={"from": source.label if source else "blank"},
        )
    return draft


def discard_draft(
    draft: FrameworkVersion, *, actor: Any, expected_revision: int | None = None
) -> None:
    """Delete a draft. `expected_revision` is the revision the confirmation showed: edits
    made since then are not thrown away by it."""
    org = draft.organization
    org.ensure_writable()
    if not draft.is_draft:
        raise FrameworkError("Only a draft can be discarded.")
    with transaction.atomic():
        if expected_revision is not None:
            bump_revision(draft, expected_revision)
        if Level.objects.filter(version=draft, people__isnull=False).exists():
            raise FrameworkError(
                "People are placed on levels of this draft; it cannot be discarded."
            )
        record(org, actor, "framework.draft_discarded", draft)
        draft.delete()


def publish_draft(
    draft: FrameworkVersion,
    *,
    actor: Any,
    note: str,
    expected_revision: int | None = None,
    open_flags: int = 0,
    reason: str = "",
) -> FrameworkVersion:
    """Make a draft an immutable published version, and move the people of this family
    onto the matching levels of the new version. `open_flags`: how many statements the
    checker still flags (the publish page counts them); publishing them anyway needs a
    `reason`, kept in the version note and the audit entry."""
    from people.models import LevelChange, Person

    org = draft.organization
    org.ensure_writable()
    note = note.strip()
    reason = " ".join(reason.split())
    if not note:
        raise FrameworkError("Say in a sentence what changed in this version.")
    if open_flags and not reason:
        raise FrameworkError(
            f"The checker still flags {open_flags} statement{'s' if open_flags != 1 else ''}. "
            "Fix them in the draft, or say why you publish anyway."
        )
    if open_flags:
        note = (
            f"{note}\n\nPublished with {open_flags} statement"
            f"{'s' if open_flags != 1 else ''} the checker flagged: {reason}"
        )
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        if not Level.objects.filter(version=draft).exists():
            raise FrameworkError("Add at least one level before publishing.")
        if problems := ladder_problems(draft):
            raise FrameworkError(
                "Correct the ladder before publishing: "
                + " ".join(f"{p.level}: {p.message}" for p in problems)
            )
        new_levels = {lv.uid: lv for lv in Level.objects.filter(version=draft)}
        stranded = (
            Person.objects.filter(level__version__family=draft.family)
            .exclude(level__version=draft)
            .exclude(level__uid__in=list(new_levels))
            .select_related("level")
        )
        if stranded.exists():
            codes = sorted({p.level.code for p in stranded if p.level})
            raise FrameworkError(
                f"This version removes level(s) {', '.join(codes)} that people are still on. "
                "Move them to another level first."
            )
        draft.status = FrameworkVersion.Status.PUBLISHED
        draft.number = next_number(draft.family)
        draft.note = note
        draft.published_at = timezone.now()
        draft.published_by = actor if getattr(actor, "pk", None) else None
        draft.save(update_fields=["status", "number", "note", "published_at", "published_by"])
        DraftEdit.objects.filter(version=draft).delete()
        movers = (
            Person.objects.filter(level__version__family=draft.family)
            .exclude(level__version=draft)
            .select_related("level")
        )
        renamed = []
        for person in movers:
            assert person.level is not None
            old = person.level
            person.level = new_levels[old.uid]
            person.save(update_fields=["level"])
            if (old.code, old.title) != (person.level.code, person.level.title):
                renamed.append(
                    LevelChange(
                        organization=org,
                        person=person,
                        job_family=draft.family,
                        level_uid=person.level.uid,
                        level_code=person.level.code,
                        level_title=person.level.title,
                        effective_date=timezone.localdate(),
                        reason=f"{draft.label} published: the level was renamed",
                        changed_by=actor if getattr(actor, "pk", None) else None,
                    )
                )
        # a person's level history shows the name their level had at each time
        LevelChange.objects.bulk_create(renamed)
        record(
            org,
            actor,
            "framework.published",
            draft,
            data={
                "note": note,
                "people_renamed_level": len(renamed),
                **({"open_flags": open_flags, "reason": reason} if open_flags else {}),
            },
        )
    return draft


def create_blank_family(
    org: Organization, *, name: str, actor: Any, description: str = ""
) -> FrameworkVersion:
    """A new job family with an empty draft, ready for the editor."""
    with transaction.atomic():
        family = create_family(org, name=name, description=description, actor=actor)
        return start_draft(family, actor=actor)
