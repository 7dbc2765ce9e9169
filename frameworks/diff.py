"""What changed between two versions of a ladder.

Levels and competencies are matched by `uid` (kept when a draft is copied), so a renamed
level is "changed", not "removed and added". Statements are compared one by one, by
uid too: an unchanged statement never shows, a reworded one shows once with the words
that changed marked (`word_diff`), and one moved to another level says where from.
Plain data without uids (an import, a template) is matched the way loading it would
match it (`frameworks.identity`)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from frameworks.identity import match_statement_uids
from frameworks.models import EvidenceKind, FrameworkVersion, Track
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from frameworks.services import version_to_data

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

LEVEL_FIELDS = [
    ("code", "Code"),
    ("title", "Title"),
    ("rank", "Rank"),
    ("track", "Track"),
    ("scope", "Scope"),
    ("summary", "Summary"),
    ("key_question", "Key developmental question"),
]
COMPETENCY_FIELDS = [("name", "Name"), ("category", "Category"), ("description", "Description")]
TRACK_LABELS = dict(Track.choices)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ItemChange:
    kind: str  # added / removed / changed
    name: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Segment:
    """A run of words in a changed statement: kept, deleted or inserted."""

    op: str  # same / del / ins
    text: str


@dataclass
class StatementChange:
    """One statement added, removed or changed, followed by its uid: a changed one shows
    its wording word by word (`words`), its evidence kinds, and a move to another level
    or competency."""

    kind: str
    competency: str
    level: str
    before: str
    after: str
    words: list[Segment] = field(default_factory=list)
    evidence_before: list[str] = field(default_factory=list)
    evidence_after: list[str] = field(default_factory=list)
    moved_from: str = ""  # "Prioritization at PM2" when it moved

    @property
    def evidence_changed(self) -> bool:
        return self.kind == CHANGED and self.evidence_before != self.evidence_after

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"evidence_changed": self.evidence_changed}


@dataclass
class VersionDiff:
    a: FrameworkVersion
    b: FrameworkVersion
    levels: list[ItemChange]
    competencies: list[ItemChange]
    statements: list[StatementChange]

    @property
    def is_empty(self) -> bool:
        return not (self.levels or self.competencies or self.statements)

    def count(self, kind: str) -> int:
        items: list[ItemChange | StatementChange] = [
            *self.levels,
            *self.competencies,
            *self.statements,
        ]
        return sum(1 for item in items if item.kind == kind)

    @property
    def summary(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in (ADDED, CHANGED, REMOVED)}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _level_value(level: LevelData, name: str) -> str:
    value = getattr(level, name)
    return TRACK_LABELS.get(value, value) if name == "track" else _text(value)


def _compare(
    before: dict[str, LevelData] | dict[str, CompetencyData],
    after: dict[str, LevelData] | dict[str, CompetencyData],
    fields: list[tuple[str, str]],
    name: str,
) -> list[ItemChange]:
    changes: list[ItemChange] = []
    for uid, new in after.items():
        old = before.get(uid)
        label = _text(getattr(new, name))
        if isinstance(new, LevelData):
            label = f"{new.code} {new.title}"
        if old is None:
            changes.append(ItemChange(ADDED, label))
            continue
        diffs = []
        for attr, title in fields:
            if isinstance(new, LevelData) and isinstance(old, LevelData):
                a, b = _level_value(old, attr), _level_value(new, attr)
            else:
                a, b = _text(getattr(old, attr)), _text(getattr(new, attr))
            if a != b:
                diffs.append(FieldChange(title, a, b))
        if diffs:
            changes.append(ItemChange(CHANGED, label, diffs))
    for uid, old in before.items():
        if uid not in after:
            label = f"{old.code} {old.title}" if isinstance(old, LevelData) else old.name
            changes.append(ItemChange(REMOVED, label))
    return changes


_TOKEN = re.compile(r"\S+")
EVIDENCE_LABELS = dict(EvidenceKind.choices)


def word_diff(before: str, after: str) -> list[Segment]:
    """`before` → `after` word by word: runs of kept, deleted and inserted words."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Segment("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Segment("del", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(Segment("ins", " ".join(b[j1:j2])))
    return out


@dataclass
class _Placed:
    statement: StatementData
    competency: str  # name
    competency_uid: str
    level: str  # code
    level_uid: str


def _placed(data: FamilyData) -> list[_Placed]:
    uid_by_code = {lv.code: lv.uid or lv.code for lv in data.levels}
    order = {lv.code: n for n, lv in enumerate(data.levels)}
    out = []
    for comp in data.competencies:
        for code in sorted(comp.statements, key=lambda c: order.get(c, len(order))):
            for st in comp.statements[code]:
                out.append(
                    _Placed(
                        st,
                        comp.name,
                        comp.uid or comp.name.casefold(),
                        code,
                        uid_by_code.get(code, code),
                    )
                )
    return out


def _keys(old: list[_Placed], new: list[_Placed]) -> tuple[list[str], list[str]]:
    """A key per statement: its uid; statements without one take the key of the same
    statement in `old` (same cell, same text, else the cell's next unused one)."""
    old_keys = [p.statement.uid or f"old:{n}" for n, p in enumerate(old)]
    by_cell: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, p in zip(old_keys, old, strict=True):
        by_cell.setdefault((p.competency_uid, p.level_uid), []).append((key, p.statement.text))
    used = {p.statement.uid for p in new if p.statement.uid}
    new_keys = [p.statement.uid for p in new]
    cells: dict[tuple[str, str], list[int]] = {}
    for n, p in enumerate(new):
        if not p.statement.uid:
            cells.setdefault((p.competency_uid, p.level_uid), []).append(n)
    for cell, indexes in cells.items():
        free = [(k, t) for k, t in by_cell.get(cell, []) if k not in used]
        found = match_statement_uids(free, [new[n].statement.text for n in indexes])
        for n, key in zip(indexes, found, strict=True):
            new_keys[n] = key or f"new:{n}"
    return old_keys, new_keys


def _labels(kinds: list[str]) -> list[str]:
    return [str(EVIDENCE_LABELS.get(k, k)) for k in kinds]


def statement_changes(a: FamilyData, b: FamilyData) -> list[StatementChange]:
    """Each statement added, removed or changed from `a` to `b`, in `b`'s order, then
    what only `a` has."""
    old, new = _placed(a), _placed(b)
    old_keys, new_keys = _keys(old, new)
    before = dict(zip(old_keys, old, strict=True))
    changes: list[StatementChange] = []
    for key, p in zip(new_keys, new, strict=True):
        was = before.pop(key, None)
        st = p.statement
        if was is None:
            changes.append(
                StatementChange(
                    ADDED, p.competency, p.level, "", st.text, evidence_after=_labels(st.evidence)
                )
            )
            continue
        moved = (was.competency_uid, was.level_uid) != (p.competency_uid, p.level_uid)
        if was.statement.text == st.text and was.statement.evidence == st.evidence and not moved:
            continue
        changes.append(
            StatementChange(
                CHANGED,
                p.competency,
                p.level,
                was.statement.text,
                st.text,
                words=word_diff(was.statement.text, st.text),
                evidence_before=_labels(was.statement.evidence),
                evidence_after=_labels(st.evidence),
                moved_from=f"{was.competency} at {was.level}" if moved else "",
            )
        )
    # a removed statement of a competency or level that is still there goes by its new name
    names = {p.competency_uid: p.competency for p in new}
    names |= {c.uid: c.name for c in b.competencies if c.uid}
    codes = {lv.uid: lv.code for lv in b.levels if lv.uid}
    for p in before.values():
        changes.append(
            StatementChange(
                REMOVED,
                names.get(p.competency_uid, p.competency),
                codes.get(p.level_uid, p.level),
                p.statement.text,
                "",
                evidence_before=_labels(p.statement.evidence),
            )
        )
    return changes


def diff_data(a: FamilyData, b: FamilyData) -> tuple[list, list, list]:
    levels_a = {lv.uid or lv.code: lv for lv in a.levels}
    levels_b = {lv.uid or lv.code: lv for lv in b.levels}
    comps_a = {c.uid or c.name.casefold(): c for c in a.competencies}
    comps_b = {c.uid or c.name.casefold(): c for c in b.competencies}
    level_changes = _compare(levels_a, levels_b, LEVEL_FIELDS, "code")
    comp_changes = _compare(comps_a, comps_b, COMPETENCY_FIELDS, "name")
    return level_changes, comp_changes, statement_changes(a, b)


def diff_versions(a: FrameworkVersion, b: FrameworkVersion) -> VersionDiff:
    """Changes from version `a` (older) to version `b` (newer). 8 queries."""
    levels, competencies, statements = diff_data(version_to_data(a), version_to_data(b))
    return VersionDiff(a, b, levels, competencies, statements)
