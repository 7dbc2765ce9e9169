"""What an import would change: each family compared with the content its new draft
replaces, and each person compared with the directory. Plain data in, JSON-ready
dictionaries out (they are stored on the ImportJob and shown on the preview page)."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from frameworks.diff import diff_data
from frameworks.identity import carry_uids
from frameworks.schema import FamilyData
from spreadsheets.reader import normalize_name
from spreadsheets.validator import PersonRow
from spreadsheets.writer import PersonOut


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


@dataclass
class ExistingPerson(PersonOut):
    """A person the organization has: their People sheet row, and whether they are active."""

    is_active: bool = True


def compare_people(rows: list[PersonRow], existing: dict[str, ExistingPerson]) -> dict[str, Any]:
    added: list[dict[str, str]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for row in rows:
        old = existing.get(row.email)
        if old is None:
            added.append(
                {
                    "email": row.email,
                    "name": row.name,
                    "family": row.family,
                    "level": row.level,
                    "manager": row.manager_email,
                }
            )
            continue
        fields = []
        if row.name != old.name:
            fields.append(["Name", old.name, row.name])
        if row.manager_email != old.manager_email:
            fields.append(["Manager", old.manager_email or "none", row.manager_email or "none"])
        if (row.family, row.level) != (old.family, old.level):
            before = f"{old.family} {old.level}".strip() or "none"
            fields.append(["Level", before, f"{row.family} {row.level}"])
        if row.start_date and row.start_date != old.start_date:
            fields.append(
                [
                    "Start date",
                    old.start_date.isoformat() if old.start_date else "none",
                    row.start_date.isoformat(),
                ]
            )
        if fields:
            changed.append({"email": row.email, "name": row.name, "fields": fields})
        else:
            unchanged += 1
    in_file = {r.email for r in rows}
    return {
        "added": added,
        "changed": changed,
        "unchanged": unchanged,
        "not_in_file": sum(1 for e, p in existing.items() if e not in in_file and p.is_active),
    }
