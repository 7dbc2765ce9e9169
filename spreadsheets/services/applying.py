"""Applying a checked import, all or nothing: every family becomes a draft
(`frameworks.services.apply_family_data`), every person is created or updated
(`people.importing.write_people`: a few statements for any number of people).

On SQLite one connection writes at a time, so the transaction is kept short (issue 9,
finding 5): what can be read and worked out first is, before the transaction (the
fingerprint, the organization's people: `people.importing.read_directory`); the
transaction checks the fingerprint again — anything changed in between refuses the
import as a stale preview — and writes the people in bulk; the readiness of the people
placed is recomputed after the commit, in batches of their own short transactions (a
process that dies in between leaves rows the readiness list repairs:
`promotions.services.readiness.refresh_stale`). The transaction still grows with the
import: 4.6 s for 19,990 new people on the shared 2-core machine at load 6
(docs/performance.md)."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.schema import FamilyData
from frameworks.selectors import current_version
from frameworks.services import FrameworkError, apply_family_data
from organizations.audit import record
from organizations.models import Organization
from people.importing import Directory, Incoming, read_directory, write_people
from people.services import PersonError
from people.signals import placements_changed
from spreadsheets.models import ImportJob
from spreadsheets.reader import normalize_name
from spreadsheets.services.checking import ImportError_
from spreadsheets.services.selectors import fingerprint, people_version
from spreadsheets.validator import ParsedWorkbook, PersonRow

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
    # read before the transaction, so SQLite's one write lock is held for the writes only;
    # the transaction then checks that nothing changed in between
    seen = fingerprint()
    if expected_fingerprint is not None and expected_fingerprint != seen:
        raise ImportError_(STALE)
    directory = read_directory(org, rows=len(people)) if people else None
    with collector_paused(), transaction.atomic():
        if fingerprint() != seen:
            raise ImportError_(STALE)
        drafts: dict[str, FrameworkVersion] = {}
        try:
            for data in families:
                draft = apply_family_data(org, data, actor=actor, source=source)
                drafts[normalize_name(data.name)] = draft
            created, updated, placed = _apply_people(org, people or [], drafts, actor, directory)
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
    if placed:  # committed: readiness, in short transactions of its own
        placements_changed.send(sender=None, organization=org, person_ids=placed)
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


def _apply_people(
    org: Organization,
    rows: list[PersonRow],
    drafts: dict[str, FrameworkVersion],
    actor: Any,
    directory: Directory | None,
) -> tuple[int, int, list[int]]:
    if not rows:
        return 0, 0, []
    families = {normalize_name(f.name): f for f in JobFamily.objects.all()}
    level_cache: dict[tuple[int, str], Level] = {}

    def level_for(family: JobFamily, code: str) -> Level:
        key = (family.pk, code)
        if key not in level_cache:
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
            level_cache[key] = level
        return level_cache[key]

    places: dict[tuple[str, str], tuple[JobFamily, Level]] = {}
    incoming = []
    for row in rows:
        place = places.get((row.family, row.level))
        if place is None:
            family = families[normalize_name(row.family)]
            place = places[(row.family, row.level)] = (family, level_for(family, row.level))
        incoming.append(
            Incoming(
                email=row.email.strip().lower(),
                name=row.name,
                family=place[0],
                level=place[1],
                start_date=row.start_date,
                manager_email=(row.manager_email or "").strip().lower(),
            )
        )
    done = write_people(
        org, incoming, actor=actor, reason="Master Template import", directory=directory
    )
    return done.created, done.updated, done.placed
