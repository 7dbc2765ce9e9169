"""Applying a checked import, all or nothing: every family becomes a draft
(`frameworks.services.apply_family_data`), every person is created or updated
(`people.importing.write_people`: a few statements for any number of people).

On SQLite one connection writes at a time (issue 9, finding 5), so an import from a job
is written in short transactions (`Steps`): one per family's draft, then one per
`CHUNK_PEOPLE` people, managers before their reports; between two of them anyone else
may write. What can be read and worked out first is, before them (the fingerprint, the
organization's people: `people.importing.read_directory`); the first checks the
fingerprint again — anything changed in between refuses the import as a stale preview —
and each later one that nothing else changed since the one before (`mark`). Each step
journals what it wrote (`AppliedChunk`); the last transaction marks the job done and
drops the journal. An import that fails part-way is undone from the journal, by its own
process or, if that died, by the reaper (`spreadsheets.services.undoing`,
`spreadsheets.leases`). Without a job (the command line, tests) the steps are savepoints
of one transaction, as before. The readiness of the people placed is recomputed after
the last commit, in batches of their own short transactions (a process that dies in
between leaves rows the readiness list repairs:
`promotions.services.readiness.refresh_stale`). Figures: docs/performance.md."""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.schema import FamilyData
from frameworks.selectors import current_version
from frameworks.services import FrameworkError, apply_family_data, current_draft
from organizations.actors import Actor
from organizations.audit import collecting, record
from organizations.models import Organization
from organizations.rows import Turns
from people.importing import Directory, Incoming, Written, read_directory, write_people
from people.services import PersonError
from people.signals import placements_changed
from spreadsheets.models import AppliedChunk, ImportJob
from spreadsheets.reader import normalize_name
from spreadsheets.services.checking import ImportError_, StaleImport
from spreadsheets.services.selectors import fingerprint, mark, people_version, target_family
from spreadsheets.validator import ParsedWorkbook, PersonRow

logger = logging.getLogger(__name__)
STALE = (
    "Your frameworks or people changed after this file was checked, so the preview is out "
    "of date. Upload the file again to see the changes as they are now."
)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the write lock is held: a 20,000-person import
    makes about a million objects in its transaction, and the collections they set off
    walk the whole heap (the parsed workbook included) — seconds of the lock, measured.
    Reference counting frees what the transaction makes; cycles wait until after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


# how many people each step of a big import writes in its transaction: at 500 a step
# held SQLite's write lock at most 0.32 s on the shared machine at load 11, and another
# organization waited at most 0.47 s (at 1,000: 0.6 s and 0.88 s; docs/performance.md)
CHUNK_PEOPLE = 500


class Steps:
    """The import's transactions, one after another. With a job, each is a step of its
    own: it first claims the job (still importing: the lease's heartbeat, the progress)
    and checks that nobody changed the organization's frameworks or people since the
    last step (`mark`), then writes, and journals what it wrote (`AppliedChunk`) so a
    failure later can undo it (`spreadsheets.services.undoing`). Without a job (the
    command line, tests), the steps are savepoints of one transaction, as before."""

    def __init__(self, org: Organization, job_id: int | None, total: int) -> None:
        self.org, self.job_id, self.total = org, job_id, max(total, 1)
        self.number, self.mark = 0, ""
        self.turns = Turns()  # on SQLite, a waiting writer gets in between two steps

    @contextmanager
    def step(self, stage: str) -> Iterator[dict[str, Any]]:
        undo: dict[str, Any] = {}
        if self.job_id is not None:
            self.turns.wait()
        with transaction.atomic():
            if self.job_id is not None:
                claimed = ImportJob.objects.filter(
                    pk=self.job_id, status=ImportJob.Status.APPLYING
                ).update(
                    # seen once the step commits: what is done by then
                    progress=10 + 85 * (self.number + 1) // self.total,
                    stage=stage[:120],
                    heartbeat_at=timezone.now(),
                )
                if not claimed:
                    raise ImportError_(STOPPED)
            if self.number and mark() != self.mark:
                raise ImportError_(CHANGED)
            with collecting() as audit:
                yield undo
            if audit:
                undo["audit"] = [*undo.get("audit", []), *audit]
            if self.job_id is not None:
                AppliedChunk.objects.create(
                    organization=self.org, job_id=self.job_id, number=self.number, undo=undo
                )
            self.mark = mark()
        self.number += 1
        self.turns.done()


STOPPED = "This import was stopped before it finished, so nothing was changed. Try again."
CHANGED = (
    "Your frameworks or people were changed while this file was being imported, so the "
    "import was stopped and undone. Upload the file again to see the changes as they are now."
)


def apply_import(
    org: Organization,
    families: list[FamilyData],
    people: list[PersonRow] | None,
    *,
    actor: Actor,
    source: str = "import",
    expected_fingerprint: str | None = None,
    job_id: int | None = None,
    reason: str = "Master Template import",
    finish: Finish | None = None,
) -> dict[str, Any]:
    """Load a draft per family, then the people; all or nothing. With `job_id`, in short
    transactions (a family's draft, then `CHUNK_PEOPLE` people at a time), journaled and
    undone if anything fails (`Steps`); the job is marked done in the last one, and only
    if it is still importing (a job marked interrupted meanwhile is undone instead).
    Without, in one transaction. `reason` is what the level history says. `finish`, when
    given, is called in the last transaction with the result, in place of the
    `import.applied` audit entry (the people CSV import marks its file applied and
    records `people.imported`); what it raises undoes the import."""
    org.ensure_writable()
    # read before the transactions, so SQLite's one write lock is held for the writes
    # only; the first step checks that nothing changed in between
    seen = fingerprint()
    if expected_fingerprint is not None and expected_fingerprint != seen:
        raise StaleImport(STALE)
    rows = _managers_first(people or [])
    directory = read_directory(org, rows=len(rows)) if rows else None
    chunks = [rows[i : i + CHUNK_PEOPLE] for i in range(0, len(rows), CHUNK_PEOPLE)]
    steps = Steps(org, job_id, len(families) + len(chunks))
    try:
        with collector_paused(), transaction.atomic() if job_id is None else nullcontext():
            result = _apply(
                org, families, chunks, steps, seen, actor, source, directory, reason, finish
            )
    except BaseException:
        if job_id is not None and steps.number:
            _undo_after_failure(job_id)
        raise
    if result["placed"]:  # committed: readiness, in short transactions of its own
        placements_changed.send(sender=None, organization=org, person_ids=result["placed"])
    del result["placed"]
    return result


def _undo_after_failure(job_id: int) -> None:
    from spreadsheets.services.undoing import undo_import

    try:
        undo_import(ImportJob.objects.select_related("organization").get(pk=job_id))
    except Exception:  # the reaper finishes it (spreadsheets.leases)
        logger.exception("Undoing import %s failed; it is retried", job_id)


def _apply(
    org: Organization,
    families: list[FamilyData],
    chunks: list[list[PersonRow]],
    steps: Steps,
    seen: str,
    actor: Actor,
    source: str,
    directory: Directory | None,
    reason: str,
    finish: Finish | None,
) -> dict[str, Any]:
    drafts: dict[str, FrameworkVersion] = {}
    first = True
    try:
        for data in families:
            with steps.step(f"The {data.name} draft is loaded"[:120]) as undo:
                if first and fingerprint() != seen:
                    raise StaleImport(STALE)
                first = False
                draft = _load_draft(org, data, actor, source, undo)
                drafts[normalize_name(data.name)] = draft
        created = updated = 0
        placed: list[int] = []
        places = _places(drafts) if chunks else None
        total = sum(len(c) for c in chunks)
        for n, chunk in enumerate(chunks):
            done = min((n + 1) * CHUNK_PEOPLE, total)
            with steps.step(f"People: {done:,} of {total:,} written") as undo:
                if first and fingerprint() != seen:
                    raise StaleImport(STALE)
                first = False
                assert places is not None and directory is not None
                written = _apply_people(org, chunk, places, actor, directory, reason)
                created += written.created
                updated += written.updated
                placed += written.placed
                new = set(written.people_ids)
                undo.update(
                    people=written.people_ids,
                    history=written.history_ids,
                    audit=written.audit_ids,
                    before=written.before,
                    moved=[pk for pk in written.placed if pk not in new],
                )
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
    with transaction.atomic():
        if first and fingerprint() != seen:
            raise StaleImport(STALE)
        if steps.number and steps.mark and mark() != steps.mark:
            raise ImportError_(CHANGED)
        if finish is not None:
            finish(result)
        else:
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
        if steps.job_id is not None:
            if not _finish(steps.job_id, result):
                raise ImportError_(STOPPED)
            AppliedChunk.objects.filter(job_id=steps.job_id).delete()  # nothing to undo now
    return {**result, "placed": placed}


def _load_draft(
    org: Organization, data: FamilyData, actor: Actor, source: str, undo: dict[str, Any]
) -> FrameworkVersion:
    """`apply_family_data`, journaling what an undo needs: the family if it is new, the
    draft if it is new, else the draft's content as it was, and the family's name."""
    from spreadsheets.services.undoing import snapshot_draft

    family = target_family(data)
    before = current_draft(family) if family is not None else None
    if family is not None and (family.name, family.description) != (
        data.name,
        data.description,
    ):
        undo["renamed"] = [
            {"pk": family.pk, "name": family.name, "description": family.description}
        ]
    if before is not None:
        undo["drafts"] = [snapshot_draft(before)]
    draft = apply_family_data(org, data, actor=actor, source=source, family=family)
    if family is None:
        undo["families"] = [draft.family_id]
    if before is None:
        undo["versions"] = [draft.pk]
    return draft


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


def _managers_first(rows: list[PersonRow]) -> list[PersonRow]:
    """The rows with everyone after their manager when the manager is in the file too, so
    a step only points at managers an earlier step (or itself) wrote; otherwise in the
    file's order. (The validator refused loops; one would keep its file order here.)"""
    by_email = {r.email.strip().lower(): r for r in rows}
    depth: dict[str, int] = {}
    for email in by_email:
        chain, at = [], email
        while at in by_email and at not in depth and at not in chain:
            chain.append(at)
            at = (by_email[at].manager_email or "").strip().lower()
        base = depth.get(at, -1) if at in by_email else -1
        for n, e in enumerate(reversed(chain)):
            depth[e] = base + 1 + n
    return sorted(rows, key=lambda r: depth[r.email.strip().lower()])


Places = Callable[[str, str], tuple[JobFamily | None, Level | None]]
Finish = Callable[[dict[str, Any]], None]


def _places(drafts: dict[str, FrameworkVersion]) -> Places:
    """(family, level) of a row's family name and level code, each looked up once."""
    families = {normalize_name(f.name): f for f in JobFamily.objects.all()}
    cache: dict[tuple[str, str], tuple[JobFamily | None, Level | None]] = {}

    def level_for(family: JobFamily, code: str) -> Level:
        published = current_version(family)
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
        return level

    def place(family_name: str, code: str) -> tuple[JobFamily | None, Level | None]:
        """A CSV file's blank cells give "" (`PersonRow`): None, kept by the write."""
        key = (family_name, code)
        if key not in cache:
            family = families[normalize_name(family_name)] if family_name else None
            cache[key] = (family, level_for(family, code) if family and code else None)
        return cache[key]

    return place


def _apply_people(
    org: Organization,
    rows: list[PersonRow],
    places: Places,
    actor: Actor,
    directory: Directory,
    reason: str,
) -> Written:
    incoming = []
    for row in rows:
        family, level = places(row.family, row.level)
        manager = row.manager_email  # None: a CSV file's blank cell keeps the manager
        incoming.append(
            Incoming(
                email=row.email.strip().lower(),
                name=row.name,
                family=family,
                level=level,
                start_date=row.start_date,
                manager_email=None if manager is None else manager.strip().lower(),
                title=row.title,
            )
        )
    return write_people(org, incoming, actor=actor, reason=reason, directory=directory)
