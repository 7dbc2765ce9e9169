"""Writing a big import's people in a few statements (the Master Template's People sheet).

`create_person` and `update_person` check and write one person with about ten queries;
for 20,000 people that held SQLite's only write lock for half a minute, and every other
organization's write waited, then failed (issue 9, finding 5). `write_people` makes the
same rows — the people, their level history (`LevelChange`) and one audit entry each
(`person.created` / `person.updated`) — with one `executemany` per table, inside the
caller's transaction, so the import stays all or nothing. What can be done before that
transaction is (`read_directory`): the organization's people and the labels of their
places are read, and the public ids of the rows to write are made, so the transaction
holds the lock for the writes (the caller's fingerprint shows nothing changed in
between). The new people get their primary keys first (`organizations.rows.reserve_ids`),
so a new manager and their reports are inserted in one statement, not inserted and then
updated. What the per-person checks guard is checked here once for all: the families
and levels are the organization's own, placeable, and every manager is an active person
of the organization (the workbook's validator has refused loops). Readiness is left to
the caller: it gets the ids of the people whose place changed
(`people.signals.placements_changed`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from frameworks.models import JobFamily, Level
from organizations.actors import Actor, user_id_of
from organizations.audit import _jsonable, record_many
from organizations.models import AuditEntry, Organization
from organizations.rows import insert_rows, reserve_ids
from organizations.scoping import new_public_id
from people.models import LevelChange, Person
from people.services import PersonError, check_level


@dataclass
class Incoming:
    """One row of the import: who, where, and who manages them ("" for no one). None
    keeps what an existing person has (a CSV file's blank cells): their family, manager,
    job title, start date; a level None keeps their level while their family stays, and
    gives a person moving family, or a new person, none."""

    email: str
    name: str
    family: JobFamily | None
    level: Level | None
    start_date: dt.date | None
    manager_email: str | None
    title: str | None = None


@dataclass
class Written:
    created: int
    updated: int
    placed: list[int]  # the people whose place on a ladder changed (readiness)
    # what an undo needs (`spreadsheets.services.undoing`): the keys of the rows inserted
    # (people, level history, audit entries) and each updated person's values before,
    # as `RESTORED` lists (JSON values) with the revision the update gave them
    people_ids: list[int] = field(default_factory=list)
    history_ids: list[int] = field(default_factory=list)
    audit_ids: list[int] = field(default_factory=list)
    before: list[list[Any]] = field(default_factory=list)


# an updated person's values as `Written.before` keeps them, then the revision it was given
RESTORED = (
    "name", "job_family_id", "level_uid", "start_date", "manager_id", "title", "revision",
    "updated_at",
)  # fmt: skip


COLUMNS = (
    "pk", "public_id", "email", "name", "manager_id", "job_family_id", "level_uid",
    "start_date", "revision", "is_active", "erased_at", "title", "updated_at",
)  # fmt: skip


@dataclass
class Directory:
    """The organization's people as an import finds them, read before its write
    transaction (`read_directory`): every person's row by e-mail, the labels of their
    places, and public ids made ahead for the rows the import may write. The caller makes
    sure nothing changed in between (the import compares its fingerprint)."""

    people: dict[str, dict[str, Any]]
    labels: dict[tuple[int | None, str], tuple[str | None, str | None]]
    public_ids: Iterator[str]


def read_directory(org: Organization, *, rows: int = 0) -> Directory:
    """What `write_people` reads, for an import of `rows` people: done before the
    transaction, so the write lock is held for the writes only."""
    people = {r["email"]: r for r in Person.objects.values(*COLUMNS)}
    labels = _places_of(org, [(p["job_family_id"], p["level_uid"]) for p in people.values()])
    # a person, their level history and their audit entry each
    public_ids = iter([new_public_id() for _ in range(3 * rows)])
    return Directory(people=people, labels=labels, public_ids=public_ids)


def _label(level: Level) -> str:
    return str(level)


def write_people(
    org: Organization,
    rows: list[Incoming],
    *,
    actor: Actor,
    reason: str,
    directory: Directory | None = None,
) -> Written:
    """Create the people of `rows` who are new, update the others where they differ
    (name, place, start date, manager, job title), all within the caller's transaction.
    With `directory` (read before the transaction) only the writes are left to do here; the
    people created are added to it, so a caller writing a big import in several
    transactions (`spreadsheets.services.applying`) passes the same directory to each and
    a later part finds the managers an earlier one created. Returns what an undo needs
    too (`Written`)."""
    now, today = timezone.now(), timezone.localdate()
    actor_id = user_id_of(actor)
    if directory is None:
        directory = read_directory(org, rows=len(rows))
    _check_places(org, rows)
    existing = dict(directory.people)
    labels = directory.labels
    ids = directory.public_ids

    def public_id() -> str:
        return next(ids, None) or new_public_id()

    # the new people get their keys now, so a new manager is written with their reports
    new = [r for r in rows if r.email not in existing]
    for r, pk in zip(new, reserve_ids(Person, len(new)), strict=True):
        existing[r.email] = {
            "pk": pk, "public_id": public_id(), "email": r.email, "name": r.name.strip(),
            "manager_id": None, "job_family_id": r.family.pk if r.family else None,
            "level_uid": r.level.uid if r.level else "", "start_date": r.start_date,
            "revision": 0, "is_active": True, "erased_at": None, "title": r.title or "",
            "updated_at": now, "new": True,
        }  # fmt: skip
    by_pk = {p["pk"]: p for p in existing.values()}
    # each place's values once (the rows share their family and level objects)
    levels = {id(r.level): r.level for r in rows if r.level is not None}
    level_labels = {key: _label(level) for key, level in levels.items()}

    def label_of(level: Level | None) -> str | None:
        return level_labels[id(level)] if level is not None else None

    inserted: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    created: list[tuple[str, str, dict[str, list[Any]]]] = []
    updated: list[tuple[str, str, dict[str, list[Any]]]] = []
    changed: list[list[Any]] = []  # the new values of each updated person
    before: list[list[Any]] = []  # and their values before, for an undo
    placed: list[int] = []
    for r in rows:
        person = existing[r.email]
        if r.manager_email is None:  # kept
            manager = by_pk.get(person["manager_id"]) if person["manager_id"] else None
        else:
            manager = existing.get(r.manager_email) if r.manager_email else None
            if r.manager_email and (manager is None or not manager["is_active"]):
                raise PersonError(f"The manager {r.manager_email} cannot manage anyone.")
        manager_id = manager["pk"] if manager else None
        family_id, level_uid = _place(person, r)
        if person.get("new"):
            start = r.start_date.isoformat() if r.start_date else None
            changes = {
                "name": [None, person["name"]],
                "email": [None, r.email],
                "title": [None, person["title"]],
                "manager": [None, manager["name"] if manager else None],
                "job_family": [None, r.family.name if r.family else None],
                "level": [None, label_of(r.level)],
                "start_date": [None, start],
            }
            created.append((person["public_id"], person["name"], changes))
            inserted.append(
                {
                    "id": person["pk"],
                    "public_id": person["public_id"],
                    "name": person["name"],
                    "email": r.email,
                    "job_family_id": family_id,
                    "level_uid": level_uid,
                    "start_date": r.start_date,
                    "manager_id": manager_id,
                    "title": person["title"],
                }
            )
            if r.family is not None:  # as `create_person`: a place, even without a level
                placed.append(person["pk"])
                history.append(
                    _history(person, r, today, "Added to the directory", actor_id, public_id())
                )
            continue
        moved = (person["job_family_id"], person["level_uid"]) != (family_id, level_uid)
        changes = _changes(person, r, manager, by_pk, moved, labels)
        if not changes:
            continue
        if person["erased_at"] is not None:
            raise PersonError(
                f"{r.email}: this person's personal data was erased; add them again as "
                "a new person instead."
            )
        updated.append((person["public_id"], r.name, changes))
        before.append(
            [person["pk"], *(_jsonable(person[k]) for k in RESTORED), person["revision"] + 1]
        )
        changed.append(
            [
                r.name,
                family_id,
                level_uid,
                r.start_date if "start_date" in changes else person["start_date"],
                manager_id,
                r.title if "title" in changes else person["title"],
                person["revision"] + 1,
                now,
                person["pk"],
                org.pk,
            ]
        )
        if moved:
            placed.append(person["pk"])
            history.append(_history(person, r, today, reason, actor_id, public_id()))
    insert_rows(
        Person, inserted, common={"organization_id": org.pk, "created_at": now, "updated_at": now}
    )
    _update(changed)
    history_ids = reserve_ids(LevelChange, len(history))
    for row, pk in zip(history, history_ids, strict=True):
        row["id"] = pk
    insert_rows(LevelChange, history, common={"organization_id": org.pk, "changed_by_id": actor_id})
    audit_ids = reserve_ids(AuditEntry, len(created) + len(updated))
    record_many(
        org, actor, "person.created", "person", created, public_ids=ids, plain=True,
        pks=audit_ids[: len(created)],
    )  # fmt: skip
    record_many(
        org, actor, "person.updated", "person", updated, public_ids=ids, plain=True,
        pks=audit_ids[len(created) :],
    )  # fmt: skip
    for row in inserted:  # a later part of the same import may find them as managers
        person = existing[row["email"]]
        directory.people[row["email"]] = {k: v for k, v in person.items() if k != "new"}
    return Written(
        created=len(created),
        updated=len(updated),
        placed=placed,
        people_ids=[row["id"] for row in inserted],
        history_ids=history_ids,
        audit_ids=audit_ids,
        before=before,
    )


def _place(person: dict[str, Any], r: Incoming) -> tuple[int | None, str]:
    """(family id, level uid) the row gives the person (see `Incoming` for None)."""
    if r.family is None:
        return person["job_family_id"], person["level_uid"]
    if r.level is not None:
        return r.family.pk, r.level.uid
    kept = r.family.pk == person["job_family_id"] and not person.get("new")
    return r.family.pk, person["level_uid"] if kept else ""


def _history(
    person: dict[str, Any], r: Incoming, today: dt.date, why: str, by: Any, public_id: str
) -> dict[str, Any]:
    """The level history row `_log_level` writes for a person placed by `r` (a family
    and a level; a family without a level)."""
    level = r.level
    return {
        "public_id": public_id,
        "person_id": person["pk"],
        "job_family_id": r.family.pk if r.family else None,
        "level_uid": level.uid if level else "",
        "version_id": level.version_id if level else None,
        "level_code": level.code if level else "",
        "level_title": level.title if level else "",
        "effective_date": (r.start_date or today) if person.get("new") else today,
        "reason": why,
    }


def _places_of(
    org: Organization, places: list[tuple[int | None, str]]
) -> dict[tuple[int | None, str], tuple[str | None, str | None]]:
    """(family name, level label) of each distinct (family id, level uid) as the audit
    log shows a person's place: their level resolved as `person.level` would."""
    from people.placement import attach

    families = dict(JobFamily.objects.values_list("pk", "name"))
    keys = sorted({p for p in places if p[0]}, key=str)
    dummies = [
        Person(pk=-(i + 1), organization_id=org.pk, job_family_id=f, level_uid=u)
        for i, (f, u) in enumerate(keys)
    ]
    out: dict[tuple[int | None, str], tuple[str | None, str | None]] = {}
    for key, person in zip(keys, attach(dummies), strict=True):
        level = person.placement.level if key[1] else None
        out[key] = (families.get(key[0]), _label(level) if level else None)
    return out


def _changes(
    person: dict[str, Any],
    r: Incoming,
    manager: dict[str, Any] | None,
    by_pk: dict[int, dict[str, Any]],
    moved: bool,
    labels: dict[tuple[int | None, str], tuple[str | None, str | None]],
) -> dict[str, list[Any]]:
    """What changes for an existing person, as the audit log shows it."""
    changes: dict[str, list[Any]] = {}
    if person["name"] != r.name:
        changes["name"] = [person["name"], r.name]
    if r.title is not None and person["title"] != r.title:
        changes["title"] = [person["title"], r.title]
    if r.start_date and person["start_date"] != r.start_date:
        changes["start_date"] = [person["start_date"], r.start_date]
    if (manager["pk"] if manager else None) != person["manager_id"]:
        before = by_pk.get(person["manager_id"]) if person["manager_id"] else None
        changes["manager"] = [
            before["name"] if before else None,
            manager["name"] if manager else None,
        ]
    if moved and r.family is not None:
        family, level = labels.get((person["job_family_id"], person["level_uid"]), (None, None))
        new_level = _label(r.level) if r.level is not None else None
        if family != r.family.name:
            changes["job_family"] = [family, r.family.name]
        if level != new_level:
            changes["level"] = [level, new_level]
    return {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()}


def _check_places(org: Organization, rows: list[Incoming]) -> None:
    """Each family and level once: the organization's own, and a place people may take."""
    places = {(id(r.family), id(r.level)): (r.family, r.level) for r in rows if r.family}
    for family, level in places.values():
        assert family is not None
        if family.organization_id != org.pk or (level and level.organization_id != org.pk):
            raise PersonError("Choose one from your own organization.", "level")
        check_level(family, level)


_SET = (
    "name = %s, job_family_id = %s, level_uid = %s, start_date = %s, manager_id = %s, "
    "title = %s, revision = %s, updated_at = %s"
)


def _update(changed: list[list[Any]]) -> None:
    if not changed:
        return
    ops = connection.ops
    for values in changed:
        values[3] = ops.adapt_datefield_value(values[3])
        values[7] = ops.adapt_datetimefield_value(values[7])
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = f"UPDATE {table} SET {_SET} WHERE id = %s AND organization_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, changed)
