"""Applying a checked import, all or nothing: every family becomes a draft
(`frameworks.services.apply_family_data`), every person is created or updated
(`people.services`), managers first."""

from __future__ import annotations

import datetime as dt
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
from people.models import Person
from people.services import PersonError, create_person, update_person
from people.signals import placements_held
from spreadsheets.models import ImportJob
from spreadsheets.reader import normalize_name
from spreadsheets.services.checking import ImportError_
from spreadsheets.services.selectors import fingerprint, people_version
from spreadsheets.validator import ParsedWorkbook, PersonRow


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
            # readiness is recomputed once for everyone placed, not once per person
            with placements_held(org):
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

    by_email = {p.email: p for p in Person.objects.select_related("job_family")}
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
