"""Taking back an import that failed part-way (issue 9, finding 5).

A big import is written in short transactions, so that SQLite's one write lock is free
between them (`spreadsheets.services.applying`). Each step journals what it wrote in the
same transaction (`AppliedChunk`): the keys of the people, level history and audit
entries it inserted, each updated person's values before, the families and drafts it
created, and the content of a draft it replaced. The step that marks the import done
drops the journal; until then an import that fails — an error in its own process, or a
process that died and whose job the reaper marked failed (`spreadsheets.leases`) — is
undone from it, the last step first, each step in a transaction of its own that also
deletes the step's journal row: undone exactly once, whoever (the import's own process,
the reaper, or both at once) gets there. Whoever undoes the first step — the last to go
— records `import.undone` in the audit log. Trying a failed import again finishes its
undo first (`spreadsheets.services.jobs.retry_import`).

Why a journal, not rows hidden until a final flip: hiding means every query over people,
their history and the audit log honouring a pending mark, and an update to an existing
person would still have to be applied to 20,000 rows in the flip's one transaction; the
journal needs no change to any reader. The price: while the import runs, the
organization's own pages see the people written so far (the job's page says an import
is running, and each step refuses to go on if anyone else changed the organization's
frameworks or people meanwhile, so nothing the import overwrites was edited in between).

What an undo restores exactly: the people, history and audit entries the import
inserted are deleted (with what hangs off them: readiness rows); an updated person gets
their values and revision back unless someone edited them after the import did (their
revision moved on: they are left as they are, and counted in the audit entry); created
families and drafts are deleted; a replaced draft gets its content, revision, source and
undo stack back (the same uids, new row keys for its competencies and statements).
The import's own audit entries are deleted with plain SQL, as an organization's deletion
does: they told of changes that no longer exist; the undo's own entry says what was
taken back."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django.utils.dateparse import parse_date, parse_datetime

from frameworks.models import DraftEdit, FrameworkVersion, JobFamily
from frameworks.schema import FamilyData
from frameworks.services.loading import write_content
from organizations.audit import record
from organizations.models import AuditEntry, Organization
from people.importing import RESTORED
from people.models import LevelChange, Person
from people.signals import placements_changed
from spreadsheets.models import AppliedChunk, ImportJob

logger = logging.getLogger(__name__)


def undo_import(job: ImportJob) -> int:
    """Undo what the journal of `job` (in its organization's scope) says was written;
    how many steps this call undid (0 when there was nothing, or someone else did)."""
    numbers = list(
        AppliedChunk.objects.filter(job=job).order_by("-number").values_list("number", flat=True)
    )
    undone, restored, left = 0, 0, 0
    totals: dict[str, int] = {}
    for number in numbers:
        with transaction.atomic():
            chunk = AppliedChunk.objects.filter(job=job, number=number).first()
            # the delete is the claim: a second undoer finds the row gone (PostgreSQL: it
            # waits for the first one's commit, then deletes nothing)
            if chunk is None or not AppliedChunk.objects.filter(pk=chunk.pk).delete()[0]:
                continue
            restored_here, left_here = _undo(job.organization, chunk.undo)
            restored += restored_here
            left += left_here
            for key in ("people", "history", "audit", "families", "drafts"):
                totals[key] = totals.get(key, 0) + len(chunk.undo.get(key, []))
            undone += 1
            if not AppliedChunk.objects.filter(job=job).exists():
                record(
                    job.organization,
                    None,
                    "import.undone",
                    job,
                    target_label=job.original_name or "Master Template import",
                    data={
                        "steps": undone,
                        "people_removed": totals.get("people", 0),
                        "people_restored": restored,
                        "people_edited_since": left,
                    },
                )
    if undone:
        logger.warning("Undid %s step(s) of import %s", undone, job.public_id)
    return undone


def undo_failed_imports() -> int:
    """Finish undoing failed imports whose undo was cut short (the process doing it died);
    how many steps were undone. Within a scope, that organization's; unscoped, everyone's."""
    from organizations.scoping import scope

    jobs = ImportJob.objects.filter(
        status=ImportJob.Status.FAILED, pk__in=AppliedChunk.objects.values("job")
    ).select_related("organization")
    done = 0
    for job in list(jobs):
        with scope(job.organization):
            done += undo_import(job)
    return done


def _undo(organization: Organization, undo: dict[str, Any]) -> tuple[int, int]:
    """Take back one step; (people restored, people left as someone else edited them)."""
    _delete_audit(undo.get("audit", []))
    LevelChange.objects.filter(pk__in=undo.get("history", [])).delete()
    restored, left = _restore(undo.get("before", []))
    if undo.get("people"):
        Person.objects.filter(pk__in=undo["people"]).delete()
    for snap in undo.get("drafts", []):
        _restore_draft(snap)
    if undo.get("versions"):
        FrameworkVersion.objects.filter(pk__in=undo["versions"]).delete()
    if undo.get("families"):
        JobFamily.objects.filter(pk__in=undo["families"]).delete()
    for snap in undo.get("renamed", []):
        JobFamily.objects.filter(pk=snap["pk"]).update(
            name=snap["name"], description=snap["description"]
        )
    if moved := undo.get("moved"):  # their readiness follows their place back
        transaction.on_commit(
            lambda: placements_changed.send(
                sender=None, organization=organization, person_ids=moved
            )
        )
    return restored, left


def _delete_audit(pks: list[int]) -> None:
    """The audit log is append-only for everyone else (`AuditEntry`): these entries told of
    rows the undo takes back, so they go with them."""
    if not pks:
        return
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 500):
            part = pks[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", part)  # noqa: S608


def _restore(before: list[list[Any]]) -> tuple[int, int]:
    """Updated people back to their values (`people.importing.RESTORED`): one statement,
    each row only if its revision is still the one the import gave it."""
    if not before:
        return 0, 0
    ops = connection.ops
    adapt = {
        "start_date": lambda v: ops.adapt_datefield_value(parse_date(v) if v else None),
        "updated_at": lambda v: ops.adapt_datetimefield_value(parse_datetime(v) if v else None),
    }
    params = [
        [*(adapt[k](v) if k in adapt else v for k, v in zip(RESTORED, values, strict=True)),
         pk, revision_after]
        for pk, *values, revision_after in before
    ]  # fmt: skip
    table = ops.quote_name(Person._meta.db_table)
    columns = ", ".join(f"{ops.quote_name(k)} = %s" for k in RESTORED)
    sql = f"UPDATE {table} SET {columns} WHERE id = %s AND revision = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        restored = cursor.rowcount if cursor.rowcount >= 0 else len(params)
    return restored, len(params) - restored


def _restore_draft(snap: dict[str, Any]) -> None:
    """A draft the import replaced: its content, revision, source and undo stack back."""
    draft = FrameworkVersion.objects.filter(pk=snap["pk"]).select_related("family").first()
    if draft is None:
        return
    write_content(draft, FamilyData.from_dict(snap["data"]))
    FrameworkVersion.objects.filter(pk=draft.pk).update(
        revision=snap["revision"],
        updated_at=parse_datetime(snap["updated_at"]),
        source=snap["source"],
    )
    DraftEdit.objects.filter(version=draft).delete()
    DraftEdit.objects.bulk_create(
        DraftEdit(
            organization_id=draft.organization_id,
            version=draft,
            **{
                **edit,
                "created_at": parse_datetime(edit["created_at"])
                if isinstance(edit["created_at"], str)
                else edit["created_at"],
            },
        )
        for edit in snap.get("edits", [])
    )


def snapshot_draft(draft: FrameworkVersion) -> dict[str, Any]:
    """What `_restore_draft` needs of a draft an import is about to replace."""
    from dataclasses import asdict

    from frameworks.services.loading import version_to_data

    return {
        "pk": draft.pk,
        "revision": draft.revision,
        "updated_at": draft.updated_at.isoformat(),
        "source": draft.source,
        "data": asdict(version_to_data(draft)),
        "edits": [
            {**edit, "created_at": edit["created_at"].isoformat()}
            for edit in DraftEdit.objects.filter(version=draft).values(
                "public_id", "seq", "label", "payload", "actor_id", "created_at"
            )
        ],
    }
