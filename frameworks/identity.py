"""Stable identities of versioned items.

A level, category, competency or statement keeps its `uid` for as long as it is the same
item: when a draft is copied from a version, when a template or an import is loaded over
a family that already has the item, and when a family is rolled back. Review forms,
gap reports and diffs follow items across versions by uid.

What counts as "the same item" when plain data (an import, a template) is loaded:

- a level: the same code; a competency or a category: the same name (any case);
- a statement: in the same cell (competency × level), the same text; the remaining
  statements of the cell take the remaining uids in order, so a corrected wording is
  the same statement (as in the editor).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from frameworks.schema import FamilyData, StatementData


def match_statement_uids(old: Sequence[tuple[str, str]], new: Sequence[str]) -> list[str]:
    """uids for the statement texts `new` of one cell, given the cell's previous
    statements `old` as (uid, text): a text found again keeps its uid, then the others
    take the unused uids in order; "" where none is left (a new statement)."""
    free = list(old)
    found: list[str] = []
    for text in new:
        hit = next((pair for pair in free if pair[1] == text), None)
        if hit is not None:
            free.remove(hit)
        found.append(hit[0] if hit else "")
    rest = iter(uid for uid, _ in free)
    return [uid or next(rest, "") for uid in found]


def carry_uids(data: FamilyData, previous: FamilyData | None) -> None:
    """Give the items of `data` that have no uid yet the uid of the same item in
    `previous` (a uid already used in `data` is never given twice)."""
    if previous is None:
        return
    used = _uids_in(data)

    def take(uid: str) -> str:
        if not uid or uid in used:
            return ""
        used.add(uid)
        return uid

    level_uid = {lv.code: lv.uid for lv in previous.levels}
    for lv in data.levels:
        lv.uid = lv.uid or take(level_uid.get(lv.code, ""))
    comp_uid = {c.name.casefold(): c.uid for c in previous.competencies}
    for c in data.competencies:
        c.uid = c.uid or take(comp_uid.get(c.name.casefold(), ""))
    cat_uid = {name.casefold(): uid for name, uid in previous.category_uids.items()}
    data.category_uids = {
        name: data.category_uids.get(name) or take(cat_uid.get(name.casefold(), ""))
        for name in data.categories()
    }
    _carry_statement_uids(data, previous, take)


def _carry_statement_uids(
    data: FamilyData, previous: FamilyData, take: Callable[[str], str]
) -> None:
    prev_level = {lv.code: lv.uid for lv in previous.levels}
    cells: dict[tuple[str, str], list[StatementData]] = {}
    for comp in previous.competencies:
        for code, items in comp.statements.items():
            cells[(comp.uid, prev_level.get(code, ""))] = items
    level_uid = {lv.code: lv.uid for lv in data.levels}
    for comp in data.competencies:
        if not comp.uid:
            continue
        for code, items in comp.statements.items():
            before = cells.get((comp.uid, level_uid.get(code, "")), [])
            if not before:
                continue
            fresh = [st for st in items if not st.uid]
            uids = match_statement_uids(
                [(st.uid, st.text) for st in before], [st.text for st in fresh]
            )
            for st, uid in zip(fresh, uids, strict=True):
                st.uid = take(uid)


def _uids_in(data: FamilyData) -> set[str]:
    found = {lv.uid for lv in data.levels} | set(data.category_uids.values())
    for comp in data.competencies:
        found.add(comp.uid)
        found.update(st.uid for items in comp.statements.values() for st in items)
    found.discard("")
    return found


def drop_repeated_uids(data: FamilyData) -> None:
    """Blank any uid that appears twice in `data` (the later item becomes new), so that
    loading it cannot break the one-uid-per-version rule."""
    seen: set[str] = set()

    def once(uid: str) -> str:
        if not uid or uid in seen:
            return ""
        seen.add(uid)
        return uid

    for lv in data.levels:
        lv.uid = once(lv.uid)
    data.category_uids = {name: once(uid) for name, uid in data.category_uids.items()}
    for comp in data.competencies:
        comp.uid = once(comp.uid)
        for items in comp.statements.values():
            for st in items:
                st.uid = once(st.uid)
