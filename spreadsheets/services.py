"""The Master Template write path: upload → check → preview → confirm → apply, and
exports. The web pages, the background tasks and the management commands all go
through these functions.

Applying is all or nothing: every family becomes a new draft
(`frameworks.services.apply_family_data`) and every person is created or updated
(`people.services`) in one transaction; any error rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.schema import FamilyData
from frameworks.services import (
    FrameworkError,
    apply_family_data,
    current_draft,
    latest_published,
    version_to_data,
)
from organizations.audit import record
from organizations.models import Organization
from people.models import Person
from people.services import PersonError, create_person, update_person
from spreadsheets.diff import ExistingPerson, compare_family, compare_people
from spreadsheets.models import ImportJob
from spreadsheets.reader import normalize_name, read_workbook
from spreadsheets.safety import RefusedFile, check_workbook_bytes
from spreadsheets.sandbox import LimitExceeded, Limits, run_limited
from spreadsheets.validator import (
    FAMILIES,
    LEVELS,
    ExistingFamily,
    OrgContext,
    ParsedWorkbook,
    PersonRow,
    Problem,
    parse_workbook,
)
from spreadsheets.writer import PersonOut, build_workbook

logger = logging.getLogger(__name__)
# smaller imports are checked and applied within the request; bigger ones in the background
INLINE_MAX_BYTES = 200 * 1024
INLINE_MAX_ROWS = 1000
INLINE_MAX_PEOPLE = 300
INLINE_MAX_STATEMENTS = 5000
MAX_STORED_PROBLEMS = 500  # the first 500 problems are kept and shown, then "and N more"
Progress = Callable[[int, str], None]


class ImportError_(Exception):
    """The import cannot go ahead; the message is for the user."""


def _noop(pct: int, stage: str) -> None:
    return None


# --- reading the organization ------------------------------------------------------------


def people_version(family: JobFamily) -> FrameworkVersion | None:
    """The version whose levels people of this family are placed on."""
    return latest_published(family) or current_draft(family)


def org_context() -> OrgContext:
    families = []
    for family in JobFamily.objects.all():
        version = people_version(family)
        levels = (
            dict(Level.objects.filter(version=version).values_list("code", "title"))
            if version
            else {}
        )
        families.append(ExistingFamily(family.name, family.key, levels))
    people = Person.objects.values_list("email", "is_active")
    return OrgContext(
        families=families,
        people_emails={e for e, _ in people},
        inactive_emails={e for e, active in people if not active},
    )


def existing_people() -> dict[str, ExistingPerson]:
    rows = Person.objects.select_related("manager", "job_family", "level")
    return {
        p.email: ExistingPerson(
            email=p.email,
            name=p.name,
            manager_email=p.manager.email if p.manager else "",
            family=p.job_family.name if p.job_family else "",
            level=p.level.code if p.level else "",
            start_date=p.start_date,
            is_active=p.is_active,
        )
        for p in rows
    }


def target_family(data: FamilyData) -> JobFamily | None:
    """The family `apply_family_data` will load `data` into (matched by key, then name)."""
    family = JobFamily.objects.filter(key=data.key).first() if data.key else None
    return family or JobFamily.objects.filter(name__iexact=data.name).first()


def fingerprint() -> str:
    """Changes whenever frameworks or people change; a stale preview is not applied."""
    parts = [
        list(JobFamily.objects.order_by("pk").values_list("pk", "name", "key", "description")),
        list(
            FrameworkVersion.objects.order_by("pk").values_list(
                "pk", "status", "revision", "number"
            )
        ),
        # every person's own revision: any edit, (de)activation or addition shows
        list(Person.objects.order_by("pk").values_list("pk", "revision", "updated_at")),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


# --- checking ----------------------------------------------------------------------------


@dataclass
class CheckResult:
    parsed: ParsedWorkbook | None
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_limits(*, inline: bool = False) -> Limits:
    """How long and how much memory reading one workbook may take: briefly within a web
    request (a slower file moves to the background worker), longer in the worker and the
    import command."""
    return Limits(
        seconds=settings.IMPORT_INLINE_CHECK_SECONDS if inline else settings.IMPORT_CHECK_SECONDS,
        memory_mb=settings.IMPORT_CHECK_MEMORY_MB,
    )


def _read_and_parse(
    data: bytes, name: str, context: OrgContext
) -> tuple[ParsedWorkbook, list[str], int]:
    """Runs in the sandbox's child: no database. The parse's problems come back sorted
    and cut to MAX_STORED_PROBLEMS (with how many more there were)."""
    book = read_workbook(data, name=name)
    parsed = parse_workbook(book, context)
    order = [s.name for s in book.sheets]
    problems, more = _first_problems(parsed.problems, order)
    parsed.problems = problems
    return parsed, order, more


def _first_problems(problems: list[Problem], order: list[str]) -> tuple[list[Problem], int]:
    rank = {name: i for i, name in enumerate(order)}
    ordered = sorted(problems, key=lambda p: (rank.get(p.sheet, -1), p.row or 0))
    return ordered[:MAX_STORED_PROBLEMS], max(len(ordered) - MAX_STORED_PROBLEMS, 0)


def _limit_message(exc: LimitExceeded) -> str:
    if exc.what == "time":
        return (
            f"Reading the workbook took longer than {exc.limits.seconds:.0f} seconds, which "
            "no normal workbook needs. It may be damaged or built to cause harm. Save a fresh "
            "copy from Excel (only the sheets of the Master Template) and upload that."
        )
    return (
        f"Reading the workbook needed more than {exc.limits.memory_mb:,} MB of memory, which "
        "no normal workbook needs. It may be damaged or built to cause harm. Save a fresh "
        "copy from Excel (only the sheets of the Master Template) and upload that."
    )


def check_workbook(
    data: bytes,
    *,
    name: str = "",
    progress: Progress = _noop,
    limits: Limits | None = None,
    raise_on_limit: bool = False,
) -> CheckResult:
    """Read, validate and compare a workbook with the active organization. Writes nothing.

    The file is checked before parsing (`safety`), then read and validated in a child
    process under `limits` (`sandbox`). With `raise_on_limit`, running out of time or
    memory raises LimitExceeded (the web request hands the file to the worker) instead of
    becoming the file's problem."""
    progress(5, "Checking the file is a safe Excel workbook")
    try:
        check_workbook_bytes(data, name=name)
        progress(20, "Reading families, levels and statements")
        parsed, order, more = run_limited(
            _read_and_parse, data, name, org_context(), limits=limits or check_limits()
        )
    except RefusedFile as exc:
        return CheckResult(None, [Problem("", None, "", "", str(exc))])
    except LimitExceeded as exc:
        if raise_on_limit:
            raise
        return CheckResult(None, [Problem("", None, "", "", _limit_message(exc))])
    progress(65, "Comparing with your current frameworks and people")
    problems = list(parsed.problems)
    summary: dict[str, Any] = {}
    if not problems:
        problems, summary = _compare(parsed)
    problems, extra = _first_problems(problems, order)
    more += extra
    if more:
        problems.append(
            Problem(
                "",
                None,
                "",
                "",
                f"… and {more:,} more problem{'s' if more != 1 else ''} not listed here. "
                "Correct the ones above (the same mistake is often repeated down a column), "
                "then upload the workbook again to see what is left.",
            )
        )
    progress(90, "Preparing the preview")
    return CheckResult(parsed, problems, summary)


def _compare(parsed: ParsedWorkbook) -> tuple[list[Problem], dict[str, Any]]:
    problems: list[Problem] = []
    families: list[dict[str, Any]] = []
    moving = {p.email: p for p in parsed.people or []}
    for data in parsed.families:
        family = target_family(data)
        old, label, renamed = None, "", ""
        if family is not None:
            other = JobFamily.objects.filter(name__iexact=data.name).exclude(pk=family.pk).first()
            if other is not None:
                problems.append(
                    Problem(
                        FAMILIES,
                        None,
                        "Key",
                        "",
                        f"The key “{data.key}” belongs to your family “{family.name}”, but "
                        f"“{data.name}” is another family. Correct the key, or leave it empty.",
                    )
                )
                continue
            if family.name != data.name:
                renamed = family.name
            version = current_draft(family) or latest_published(family)
            if version is not None:
                old, label = version_to_data(version), version.label
            problems.extend(_stranded(family, data, moving))
        families.append(compare_family(data, old, old_label=label, renamed_from=renamed))
    people = None
    if parsed.people is not None:
        people = compare_people(parsed.people, existing_people())
    totals = {
        "families": len(parsed.families),
        "new_families": sum(1 for f in families if f["status"] == "new"),
        "levels": sum(len(f.levels) for f in parsed.families),
        "competencies": sum(len(f.competencies) for f in parsed.families),
        "statements": sum(f.statement_count() for f in parsed.families),
        "people": len(parsed.people or []),
        "people_added": len(people["added"]) if people else 0,
        "people_changed": len(people["changed"]) if people else 0,
    }
    summary = {
        "families": families,
        "people": people,
        "notes": parsed.notes,
        "totals": totals,
        "shapes": parsed.shapes,
        "fingerprint": fingerprint(),
    }
    return problems, summary


def _stranded(family: JobFamily, data: FamilyData, moving: dict[str, PersonRow]) -> list[Problem]:
    """People on a level the import removes, and not moved by the People sheet."""
    codes = set(data.level_codes())
    out = []
    stuck: dict[str, list[str]] = {}
    draft = current_draft(family)
    for p in Person.objects.filter(level__version__family=family).select_related("level"):
        assert p.level is not None
        if p.level.code in codes:
            continue
        on_draft = draft is not None and p.level.version_id == draft.pk
        if p.email in moving and not on_draft:
            continue  # the People sheet moves them
        stuck.setdefault(p.level.code, []).append(p.name)
    for code, names in sorted(stuck.items()):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(
            Problem(
                LEVELS,
                None,
                "Code",
                "",
                f"{family.name} level {code} is not in the workbook, but {shown} "
                f"{'is' if len(names) == 1 else 'are'} on it. Keep the level, or move "
                f"{'them' if len(names) > 1 else 'that person'} to another level on the "
                f"People sheet.",
            )
        )
    return out


# --- applying ----------------------------------------------------------------------------


def payload_of(parsed: ParsedWorkbook) -> dict[str, Any]:
    return {
        "families": [asdict(f) for f in parsed.families],
        "people": None
        if parsed.people is None
        else [
            {**asdict(p), "start_date": p.start_date.isoformat() if p.start_date else None}
            for p in parsed.people
        ],
    }


def families_from(payload: dict[str, Any]) -> list[FamilyData]:
    return [FamilyData.from_dict(f) for f in payload.get("families", [])]


def people_from(payload: dict[str, Any]) -> list[PersonRow] | None:
    rows = payload.get("people")
    if rows is None:
        return None
    return [
        PersonRow(
            **{
                **r,
                "start_date": dt.date.fromisoformat(r["start_date"]) if r["start_date"] else None,
            }
        )
        for r in rows
    ]


def apply_import(
    org: Organization,
    families: list[FamilyData],
    people: list[PersonRow] | None,
    *,
    actor: Any,
    source: str = "import",
    expected_fingerprint: str | None = None,
    job_id: int | None = None,
) -> dict[str, Any]:
    """Load everything in one transaction: a draft per family, then the people. With
    `job_id`, the job is marked done in the same transaction, and only if it is still
    importing (a job marked interrupted meanwhile rolls everything back)."""
    org.ensure_writable()
    with transaction.atomic():
        if expected_fingerprint is not None and expected_fingerprint != fingerprint():
            raise ImportError_(
                "Your frameworks or people changed after this file was checked, so the "
                "preview is out of date. Upload the file again to see the changes as they "
                "are now."
            )
        drafts: dict[str, FrameworkVersion] = {}
        try:
            for data in families:
                draft = apply_family_data(org, data, actor=actor, source=source)
                drafts[normalize_name(data.name)] = draft
            created, updated = _apply_people(org, people or [], drafts, actor)
        except (FrameworkError, PersonError) as exc:
            raise ImportError_(str(exc)) from exc
        result: dict[str, Any] = {
            "drafts": [
                {
                    "family": d.family.name,
                    "family_id": d.family.public_id,
                    "version_id": d.public_id,
                    "label": d.label,
                }
                for d in drafts.values()
            ],
            "people_created": created,
            "people_updated": updated,
        }
        record(
            org,
            actor,
            "import.applied",
            None,
            target_label="Master Template import",
            data={
                "source": source,
                "families": [d["family"] for d in result["drafts"]],
                "people_created": created,
                "people_updated": updated,
            },
        )
        if job_id is not None and not _finish(job_id, result):
            raise ImportError_(
                "This import was stopped before it finished, so nothing was changed. Try again."
            )
    return result


def _finish(job_id: int, result: dict[str, Any]) -> bool:
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.APPLYING).update(
            status=ImportJob.Status.DONE,
            progress=100,
            stage="",
            result=result,
            finished_at=timezone.now(),
        )
    )


def _managers_first(rows: list[PersonRow], existing: set[str]) -> list[PersonRow]:
    """People ordered so that everyone's manager (when new) comes before them."""
    pending = {r.email: r for r in rows}
    done: set[str] = set()
    ordered: list[PersonRow] = []
    for row in rows:
        chain: list[PersonRow] = []
        current: PersonRow | None = row
        while current is not None and current.email not in done:
            done.add(current.email)
            chain.append(current)
            boss = current.manager_email
            current = pending.get(boss) if boss and boss not in existing else None
        ordered.extend(reversed(chain))
    return ordered


def _apply_people(
    org: Organization,
    rows: list[PersonRow],
    drafts: dict[str, FrameworkVersion],
    actor: Any,
) -> tuple[int, int]:
    if not rows:
        return 0, 0
    families = {normalize_name(f.name): f for f in JobFamily.objects.all()}
    level_cache: dict[tuple[int, str], Level] = {}

    def level_for(family: JobFamily, code: str) -> Level:
        key = (family.pk, code)
        if key not in level_cache:
            published = latest_published(family)
            draft = drafts.get(normalize_name(family.name))
            level = None
            if published is not None:
                level = Level.objects.filter(version=published, code=code).first()
            if level is None and draft is not None:
                level = Level.objects.filter(version=draft, code=code).first()
            if level is None:
                version = people_version(family)
                level = Level.objects.filter(version=version, code=code).first()
            if level is None:
                raise PersonError(f"{family.name} has no level {code}.")
            level_cache[key] = level
        return level_cache[key]

    by_email = {p.email: p for p in Person.objects.select_related("level__version", "job_family")}
    created = updated = 0
    new_emails: set[str] = set()
    changed: set[str] = set()
    touched: list[tuple[PersonRow, Person]] = []
    for row in _managers_first(rows, set(by_email)):
        family = families[normalize_name(row.family)]
        level = level_for(family, row.level)
        person = by_email.get(row.email)
        if person is None:
            # managers come first, so a new person gets theirs right away
            manager = by_email.get(row.manager_email) if row.manager_email else None
            person = create_person(
                org,
                actor=actor,
                name=row.name,
                email=row.email,
                manager=manager,
                job_family=family,
                level=level,
                start_date=row.start_date,
            )
            by_email[row.email] = person
            new_emails.add(row.email)
            created += 1
        else:
            fields: dict[str, Any] = {}
            if person.name != row.name:
                fields["name"] = row.name
            same_level = (
                person.job_family_id == family.pk
                and person.level is not None
                and person.level.code == row.level
                and person.level.version.family_id == family.pk
            )
            if not same_level:
                fields["job_family"], fields["level"] = family, level
            if row.start_date and person.start_date != row.start_date:
                fields["start_date"] = row.start_date
            if fields:
                update_person(
                    person,
                    actor=actor,
                    expected_revision=None,
                    level_reason="Master Template import",
                    **fields,
                )
                changed.add(row.email)
                updated += 1
        touched.append((row, person))
    for row, person in touched:
        manager = by_email.get(row.manager_email) if row.manager_email else None
        if (manager.pk if manager else None) != person.manager_id:
            update_person(person, actor=actor, expected_revision=None, manager=manager)
            if row.email not in new_emails and row.email not in changed:
                updated += 1
    return created, updated


# --- jobs ----------------------------------------------------------------------------------


def _set_progress(job: ImportJob) -> Progress:
    def progress(pct: int, stage: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            progress=pct, stage=stage, heartbeat_at=timezone.now()
        )
        job.progress, job.stage = pct, stage

    return progress


def start_import(org: Organization, *, name: str, data: bytes, actor: Any) -> ImportJob:
    """Store the upload and check it (within the request when small, else in the
    background)."""
    org.ensure_writable()
    with transaction.atomic():
        job = ImportJob(
            organization=org,
            original_name=name[:255],
            size=len(data),
            created_by=actor if getattr(actor, "pk", None) else None,
            stage="Waiting to start",
        )
        job.file.save(f"{job.public_id}.xlsx", ContentFile(data), save=False)
        job.save()
    _dispatch(job, "check", data)
    job.refresh_from_db()
    return job


def confirm_import(job: ImportJob, *, actor: Any) -> ImportJob:
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


def audit_refusal(org: Organization, actor: Any, job: ImportJob | None, problems: list) -> None:
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


def audit_failure(org: Organization, actor: Any, job: ImportJob | None, message: str) -> None:
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


def retry_import(job: ImportJob, *, actor: Any) -> ImportJob:
    """Run an interrupted job again from where it was: the check, or (once checked and
    confirmed) the import, from the same stored file and preview."""
    job.organization.ensure_writable()
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


# --- export --------------------------------------------------------------------------------


def export_versions(
    *, family: JobFamily | None = None, which: str = "published"
) -> list[FrameworkVersion]:
    """The version to export per family: the latest published (or, with
    which="draft", the draft), falling back to the other when there is none."""
    families = [family] if family is not None else list(JobFamily.objects.all())
    out = []
    for f in families:
        first, second = (
            (current_draft, latest_published)
            if which == "draft"
            else (latest_published, current_draft)
        )
        version = first(f) or second(f)
        if version is not None:
            out.append(version)
    return out


def people_rows(family: JobFamily | None = None) -> list[PersonOut]:
    """Active people placed on a level: everyone's, or only `family`'s."""
    people = Person.objects.filter(is_active=True)
    if family is not None:
        people = people.filter(job_family=family)
    return [
        PersonOut(
            email=p.email,
            name=p.name,
            manager_email=p.manager.email if p.manager else "",
            family=p.job_family.name if p.job_family else "",
            level=p.level.code if p.level else "",
            start_date=p.start_date,
        )
        for p in people.select_related("manager", "job_family", "level").order_by("name", "email")
        if p.job_family and p.level
    ]


def export_workbook(
    org: Organization,
    *,
    family: JobFamily | None = None,
    which: str = "published",
    include_people: bool = True,
    actor: Any = None,
) -> bytes:
    """The Master Template of one family (its people only) or of every family (everyone
    placed on a level)."""
    versions = export_versions(family=family, which=which)
    data = [version_to_data(v) for v in versions]
    labels = ", ".join(f"{v.family.name} {v.label}" for v in versions) or "no families yet"
    heading = f"Exported from {org.name} on {timezone.localdate():%d %B %Y}: {labels}."
    people = people_rows(family) if include_people else None
    if people is not None and family is not None:
        heading += f" People: those in {family.name} only."
    elif people is not None:
        unplaced = Person.objects.filter(is_active=True).count() - len(people)
        if unplaced == 1:
            heading += " 1 active person has no job family and level yet, so is not listed."
        elif unplaced:
            heading += (
                f" {unplaced} active people have no job family and level yet, so are not listed."
            )
    content = build_workbook(data, people, heading=heading)
    if actor is not None:
        record(
            org,
            actor,
            "framework.exported",
            None,
            target_label="Master Template export",
            data={"versions": [f"{v.family.name} {v.label}" for v in versions]},
        )
    return content
