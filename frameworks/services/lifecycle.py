"""A draft's life: started (from the latest published version, or an older one to roll
back), discarded, or published — people are placed by level uid, so they stand on the
new version's levels at once. And a family's: archived once published, else deleted."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from frameworks import limits, occupancy
from frameworks.errors import FrameworkError
from frameworks.models import DraftEdit, FrameworkVersion, JobFamily, Level
from frameworks.selectors import current_version
from frameworks.services.loading import version_to_data, write_content
from frameworks.services.versions import (
    bump_revision,
    create_family,
    current_draft,
    ladder_problems,
    next_number,
    pending_uids,
)
from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Organization


def start_draft(
    family: JobFamily, *, actor: Actor, from_version: FrameworkVersion | None = None
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
        source = from_version or current_version(family)
        draft = FrameworkVersion.objects.create(
            organization=org,
            family=family,
            number=next_number(family),
            based_on=source,
            source=f"v{source.number}" if source else "blank",
            created_by=user_of(actor),
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
    draft: FrameworkVersion, *, actor: Actor, expected_revision: int | None = None
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
        if pending_uids(draft):
            raise FrameworkError(
                "People are placed on levels only this draft has (pending until it is "
                "published); it cannot be discarded. Move them to another level first."
            )
        record(org, actor, "framework.draft_discarded", draft)
        draft.delete()


def publish_draft(
    draft: FrameworkVersion,
    *,
    actor: Actor,
    note: str,
    expected_revision: int | None = None,
    open_flags: int = 0,
    reason: str = "",
) -> FrameworkVersion:
    """Make a draft an immutable published version. People are placed by level uid, so
    they stand on the new version's levels at once; a version that drops a level
    people are on is refused. `open_flags`: how many statements the checker still flags
    (the publish page counts them); publishing them anyway needs a `reason`, kept in the
    version note and the audit entry."""
    org = draft.organization
    org.ensure_writable()
    note = note.strip()
    reason = " ".join(reason.split())
    if not note:
        raise FrameworkError("Say in a sentence what changed in this version.")
    for what, text, limit in (("The note", note, limits.VERSION_NOTE), ("The reason", reason, 500)):
        if message := limits.too_long(what, text, limit):
            raise FrameworkError(message)
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
        previous = current_version(draft.family)
        old_levels = {lv.uid: lv for lv in Level.objects.filter(version=previous)}
        if stranded := set(occupancy.placed_uids(draft.family)) - set(new_levels):
            codes = sorted(
                set(
                    Level.objects.filter(version__family=draft.family, uid__in=stranded)
                    .values_list("code", flat=True)
                    .distinct()
                )
            )
            raise FrameworkError(
                f"This version removes level(s) {', '.join(codes)} that people are still on. "
                "Move them to another level first."
            )
        draft.status = FrameworkVersion.Status.PUBLISHED
        draft.number = next_number(draft.family)
        draft.note = note
        draft.published_at = timezone.now()
        draft.published_by = user_of(actor)
        draft.save(update_fields=["status", "number", "note", "published_at", "published_by"])
        DraftEdit.objects.filter(version=draft).delete()
        # people are placed by uid: nobody's row changes; the directory writes its history
        history = occupancy.published(draft, before=old_levels, after=new_levels, actor=actor)
        record(
            org,
            actor,
            "framework.published",
            draft,
            data={
                "note": note,
                "people_level_history": history,
                **({"open_flags": open_flags, "reason": reason} if open_flags else {}),
            },
        )
    return draft


def _refuse_while_people_in(family: JobFamily) -> None:
    if n := occupancy.active_count(family):
        raise FrameworkError(
            f"{n} {'person is' if n == 1 else 'people are'} placed in {family.name}. "
            "Move them to another job family first."
        )


def _is_published(family: JobFamily) -> bool:
    return FrameworkVersion.objects.filter(
        family=family, status=FrameworkVersion.Status.PUBLISHED
    ).exists()


def archive_family(family: JobFamily, *, actor: Actor) -> JobFamily:
    """Retire a family that has a published version: its versions stay (reviews and
    promotions refer to them), it leaves the lists and nobody can be placed on it."""
    org = family.organization
    org.ensure_writable()
    with transaction.atomic():
        if not _is_published(family):
            raise FrameworkError(f"{family.name} has never been published: delete it instead.")
        _refuse_while_people_in(family)
        JobFamily.objects.filter(pk=family.pk).update(archived_at=timezone.now())
        family.refresh_from_db(fields=["archived_at"])
        record(org, actor, "framework.family_archived", family)
    return family


def restore_family(family: JobFamily, *, actor: Actor) -> JobFamily:
    """Bring an archived family back to the lists."""
    org = family.organization
    org.ensure_writable()
    with transaction.atomic():
        JobFamily.objects.filter(pk=family.pk).update(archived_at=None)
        family.refresh_from_db(fields=["archived_at"])
        record(org, actor, "framework.family_restored", family)
    return family


def delete_family(family: JobFamily, *, actor: Actor) -> None:
    """Delete a family that was never published (its draft goes with it). A family with
    a published version is archived instead."""
    org = family.organization
    org.ensure_writable()
    with transaction.atomic():
        if _is_published(family):
            raise FrameworkError(
                f"{family.name} has published versions, which are kept: archive it instead."
            )
        _refuse_while_people_in(family)
        record(org, actor, "framework.family_deleted", family, data={"name": family.name})
        for version in FrameworkVersion.objects.filter(family=family):
            version.delete()
        family.delete()


def create_blank_family(
    org: Organization, *, name: str, actor: Actor, description: str = ""
) -> FrameworkVersion:
    """A new job family with an empty draft, ready for the editor."""
    with transaction.atomic():
        family = create_family(org, name=name, description=description, actor=actor)
        return start_draft(family, actor=actor)
