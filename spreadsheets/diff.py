"""What an import would change: each family compared with the content its new draft
replaces, and each person compared with the directory. Plain data in, JSON-ready
dictionaries out (they are stored on the ImportJob and shown on the preview page)."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from dataclasses import asdict
from typing import Any

from frameworks.diff import diff_data
from frameworks.identity import carry_uids
from frameworks.schema import FamilyData
from spreadsheets.reader import normalize_name
from spreadsheets.validator import KnownPerson, PersonRow


def _level_sig(lv: Any) -> tuple[Any, ...]:
    return (lv.title, lv.rank, lv.track, lv.scope, lv.summary, lv.key_question)


def _comp_sig(c: Any) -> tuple[Any, ...]:
    return (
        c.name,
        c.category,
        c.description,
        c.source,
        tuple(
            (code, tuple((s.text, tuple(s.evidence)) for s in items))
            for code, items in c.statements.items()
        ),
    )


def _statements(data: FamilyData | None) -> Counter[tuple[str, str, str]]:
    out: Counter[tuple[str, str, str]] = Counter()
    if data is None:
        return out
    for c in data.competencies:
        for code, items in c.statements.items():
            for s in items:
                out[(normalize_name(c.name), code, s.text)] += 1
    return out


# statement changes kept per family for the preview (the counts above cover the rest)
MAX_STATEMENT_CHANGES = 300


def family_changes(new: FamilyData, old: FamilyData) -> dict[str, Any]:
    """The levels, competencies and statements the import adds, changes and removes, as
    the version diff shows them (`frameworks.diff`), matched the way loading the file
    will match them (`frameworks.identity.carry_uids`)."""
    matched = copy.deepcopy(new)
    carry_uids(matched, old)
    levels, comps, statements = diff_data(old, matched)
    return {
        "levels": [asdict(c) for c in levels],
        "competencies": [asdict(c) for c in comps],
        "statements": [c.as_dict() for c in statements[:MAX_STATEMENT_CHANGES]],
        "more": max(0, len(statements) - MAX_STATEMENT_CHANGES),
    }


def compare_family(
    new: FamilyData, old: FamilyData | None, *, old_label: str = "", renamed_from: str = ""
) -> dict[str, Any]:
    old_levels = {lv.code: lv for lv in old.levels} if old else {}
    new_levels = {lv.code: lv for lv in new.levels}
    old_comps = {normalize_name(c.name): c for c in old.competencies} if old else {}
    new_comps = {normalize_name(c.name): c for c in new.competencies}
    before, after = _statements(old), _statements(new)
    levels = {
        "added": [c for c in new_levels if c not in old_levels],
        "changed": [
            c
            for c in new_levels
            if c in old_levels and _level_sig(new_levels[c]) != _level_sig(old_levels[c])
        ],
        "removed": [c for c in old_levels if c not in new_levels],
    }
    comps = {
        "added": [new_comps[k].name for k in new_comps if k not in old_comps],
        "changed": [
            new_comps[k].name
            for k in new_comps
            if k in old_comps and _comp_sig(new_comps[k]) != _comp_sig(old_comps[k])
        ],
        "removed": [old_comps[k].name for k in old_comps if k not in new_comps],
    }
    statements = {
        "added": sum((after - before).values()),
        "removed": sum((before - after).values()),
    }
    details_changed = old is not None and (old.description != new.description or bool(renamed_from))
    changed = (
        any(levels.values())
        or any(comps.values())
        or any(statements.values())
        or details_changed
        or [c.name for c in (old.competencies if old else [])] != [c.name for c in new.competencies]
    )
    return {
        "name": new.name,
        "status": "new" if old is None else ("changed" if changed else "unchanged"),
        "replaces": old_label,
        "renamed_from": renamed_from,
        "counts": {
            "levels": len(new.levels),
            "competencies": len(new.competencies),
            "statements": new.statement_count(),
            "categories": len(new.categories()),
        },
        "levels": levels,
        "competencies": comps,
        "statements": statements,
        "changes": family_changes(new, old) if old is not None and changed else None,
    }


def _place(row: PersonRow, old: KnownPerson) -> tuple[str, str]:
    """The family and level a row leaves the person on (a CSV file's blank cells keep
    them: `people.importing.Incoming`)."""
    if not row.family:
        return old.family, old.level
    if not row.level:
        return (row.family, old.level) if row.family == old.family else (row.family, "")
    return row.family, row.level


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else "—"


def person_changes(row: PersonRow, old: KnownPerson) -> list[list[str]]:
    """[what, before, after] for each detail the row changes."""
    fields: list[list[str]] = []
    family, level = _place(row, old)
    manager = old.manager_email if row.manager_email is None else row.manager_email
    for label, before, after in (
        ("Name", old.name, row.name),
        ("Job title", old.title, old.title if row.title is None else row.title),
        ("Manager", old.manager_email, manager),
        ("Job family", old.family, family),
        ("Level", old.level, level),
        ("Start date", old.start_date, row.start_date or old.start_date),
    ):
        if before != after:
            fields.append([label, _shown(before), _shown(after)])
    return fields


def compare_people(rows: list[PersonRow], existing: dict[str, KnownPerson]) -> dict[str, Any]:
    """Who the rows add and whose details they change (`row` numbers the file's row)."""
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for row in rows:
        old = existing.get(row.email)
        if old is None:
            added.append(
                {
                    "row": row.row,
                    "email": row.email,
                    "name": row.name,
                    "family": row.family,
                    "level": row.level,
                    "manager": row.manager_email or "",
                    "title": row.title or "",
                    "start_date": row.start_date.isoformat() if row.start_date else "",
                }
            )
            continue
        fields = person_changes(row, old)
        if fields:
            changed.append({"row": row.row, "email": row.email, "name": row.name, "fields": fields})
        else:
            unchanged += 1
    in_file = {r.email for r in rows}
    return {
        "added": added,
        "changed": changed,
        "unchanged": unchanged,
        "not_in_file": sum(1 for e, p in existing.items() if e not in in_file and p.is_active),
    }
