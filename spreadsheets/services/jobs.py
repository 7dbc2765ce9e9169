"""Import jobs: started, checked and applied inline when small or by the worker, confirmed,
retried; refusals and failures audited."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Organization
from spreadsheets.models import ImportJob
from spreadsheets.safety import RefusedFile, check_workbook_bytes
from spreadsheets.sandbox import LimitExceeded
from spreadsheets.services.applying import apply_import, families_from, payload_of, people_from
from spreadsheets.services.checking import ImportError_, Progress, check_limits, check_workbook
from spreadsheets.services.undoing import undo_import
from spreadsheets.validator import Problem

logger = logging.getLogger(__name__)
# smaller imports are checked and applied within the request; bigger ones in the background
INLINE_MAX_BYTES = 200 * 1024
INLINE_MAX_ROWS = 1000
INLINE_MAX_PEOPLE = 300
INLINE_MAX_STATEMENTS = 5000


def _set_progress(job: ImportJob) -> Progress:
    def progress(pct: int, stage: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            progress=pct, stage=stage, heartbeat_at=timezone.now()
        )
        job.progress, job.stage = pct, stage

    return progress


def start_import(org: Organization, *, name: str, data: bytes, actor: Actor) -> ImportJob:
    """Store the upload and check it (within the request when small, else in the
    background)."""
    org.ensure_writable()
    with transaction.atomic():
        job = ImportJob(
            organization=org,
            original_name=name[:255],
            size=len(data),
            created_by=user_of(actor),
            stage="Waiting to start",
        )
        job.file.save(f"{job.public_id}.xlsx", ContentFile(data), save=False)
        job.save()
    _dispatch(job, "check", data)
    job.refresh_from_db()
    return job


def confirm_import(job: ImportJob, *, actor: Actor) -> ImportJob:
    org = job.organization
    org.ensure_writable()
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
            status=ImportJob.Status.APPLYING,
            progress=0,
            stage="Waiting to start",
            heartbeat_at=None,  # queued: no lease until a worker takes it
        )
        if not updated:
            raise ImportError_("This import has already been confirmed or cannot be applied.")
    _dispatch(job, "apply")
    job.refresh_from_db()
    return job


def is_small(job: ImportJob, what: str, data: bytes = b"") -> bool:
    """Small imports run within the request (same code as the background job); big ones
    in the background, with a progress bar."""
    if job.size > INLINE_MAX_BYTES:
        return False
    if what == "check":
        try:
            return check_workbook_bytes(data).rows <= INLINE_MAX_ROWS
        except RefusedFile:
            return True  # refused in milliseconds: say so straight away
    totals = job.summary.get("totals", {})
    return (
        totals.get("people", 0) <= INLINE_MAX_PEOPLE
        and totals.get("statements", 0) <= INLINE_MAX_STATEMENTS
    )


def _dispatch(job: ImportJob, what: str, data: bytes = b"") -> None:
    from spreadsheets import tasks

    if is_small(job, what, data):
        if what == "check":
            run_check(job, inline=True)
        else:
            run_apply(job)
    else:
        (tasks.check_import if what == "check" else tasks.apply_import_job).enqueue(job.pk)


def run_check(job: ImportJob, *, inline: bool = False) -> None:
    """Check the stored file; `inline` (within a web request) gets a short time limit, and
    a file that needs longer moves to the background worker."""
    progress = _set_progress(job)
    checking = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING)
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        result = check_workbook(
            data,
            name=job.original_name,
            progress=progress,
            limits=check_limits(inline=inline),
            raise_on_limit=inline,
        )
    except LimitExceeded:
        from spreadsheets import tasks

        ImportJob.objects.filter(pk=job.pk).update(progress=0, stage="Waiting to start")
        tasks.check_import.enqueue(job.pk)
        return
    except Exception:  # never a server error: the job says what happened
        logger.exception("Checking import %s failed", job.public_id)
        message = "Something went wrong while reading the file. Try again."
        with transaction.atomic():
            if checking.update(
                status=ImportJob.Status.FAILED,
                stage="",
                errors=[Problem("", None, "", "", message).as_dict()],
                finished_at=timezone.now(),
            ):
                audit_failure(job.organization, job.created_by, job, message)
        return
    fields: dict[str, Any] = {"progress": 100, "stage": "", "finished_at": timezone.now()}
    if result.ok and result.parsed is not None:
        fields.update(
            status=ImportJob.Status.READY,
            summary=result.summary,
            payload=payload_of(result.parsed),
            errors=[],
        )
    else:
        fields.update(
            status=ImportJob.Status.INVALID,
            errors=[p.as_dict() for p in result.problems],
            summary={"notes": result.parsed.notes if result.parsed else []},
        )
    with transaction.atomic():
        won = checking.update(**fields)  # unless marked interrupted meanwhile
        if won and not result.ok:
            audit_refusal(job.organization, job.created_by, job, result.problems)


def audit_refusal(org: Organization, actor: Actor, job: ImportJob | None, problems: list) -> None:
    """A refused or invalid workbook: who, which file, how many problems, the first."""
    record(
        org,
        actor,
        "import.refused",
        job,
        target_label=(job.original_name if job else "") or "Master Template import",
        data={
            "problems": len(problems),
            "first_problem": str(problems[0])[:300] if problems else "",
        },
    )


def audit_failure(org: Organization, actor: Actor, job: ImportJob | None, message: str) -> None:
    record(
        org,
        actor,
        "import.failed",
        job,
        target_label=(job.original_name if job else "") or "Master Template import",
        data={"reason": message[:300]},
    )


def run_apply(job: ImportJob) -> None:
    org = job.organization
    running = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.APPLYING)
    if not running.update(
        progress=10, stage="Creating drafts and people", heartbeat_at=timezone.now()
    ):
        return  # no longer importing (e.g. marked interrupted): never applied twice
    try:
        apply_import(
            org,
            families_from(job.payload),
            people_from(job.payload),
            actor=job.created_by,
            source=f"import: {job.original_name}"[:120],
            expected_fingerprint=job.summary.get("fingerprint"),
            job_id=job.pk,
        )
    except (ImportError_, PermissionDenied) as exc:
        message = str(exc)
    except Exception:
        logger.exception("Applying import %s failed", job.public_id)
        message = "Something went wrong while importing; nothing was changed. Try again."
    else:
        return
    with transaction.atomic():
        if running.update(
            status=ImportJob.Status.FAILED,
            stage="",
            progress=100,
            errors=[Problem("", None, "", "", message).as_dict()],
            finished_at=timezone.now(),
        ):
            audit_failure(org, job.created_by, job, message)


def retry_import(job: ImportJob, *, actor: Actor) -> ImportJob:
    """Run an interrupted job again from where it was: the check, or (once checked and
    confirmed) the import, from the same stored file and preview."""
    job.organization.ensure_writable()
    if job.status == ImportJob.Status.FAILED:
        undo_import(job)  # what an interrupted import left, before it is tried again
    status = ImportJob.Status.APPLYING if job.payload else ImportJob.Status.CHECKING
    with transaction.atomic():
        updated = ImportJob.objects.filter(
            pk=job.pk, status=ImportJob.Status.FAILED, interrupted=True
        ).update(
            status=status,
            interrupted=False,
            errors=[],
            progress=0,
            stage="Waiting to start",
            heartbeat_at=None,
            finished_at=None,
        )
        if not updated:
            raise ImportError_("This import is not waiting to be tried again.")
    job.refresh_from_db()
    if status == ImportJob.Status.APPLYING:
        _dispatch(job, "apply")
    else:
        with job.file.open("rb") as fh:
            _dispatch(job, "check", fh.read())
    job.refresh_from_db()
    return job
