"""What changed between two versions of a ladder.

Levels and competencies are matched by `uid` (kept when a draft is copied), so a renamed
level is "changed", not "removed and added". Statements are compared cell by cell
(competency × level)."""

from __future__ import annotations

from dataclasses import dataclass, field

from frameworks.models import FrameworkVersion, Track
from frameworks.schema import CompetencyData, FamilyData, LevelData
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
class CellChange:
    kind: str
    competency: str
    level: str
    before: list[str]
    after: list[str]


@dataclass
class VersionDiff:
    a: FrameworkVersion
    b: FrameworkVersion
    levels: list[ItemChange]
    competencies: list[ItemChange]
    statements: list[CellChange]

    @property
    def is_empty(self) -> bool:
        return not (self.levels or self.competencies or self.statements)

    def count(self, kind: str) -> int:
        items: list[ItemChange | CellChange] = [*self.levels, *self.competencies, *self.statements]
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


def _cells(data: FamilyData) -> dict[tuple[str, str], list[str]]:
    uid_by_code = {lv.code: lv.uid for lv in data.levels}
    return {
        (comp.uid, uid_by_code[code]): [st.text for st in items]
        for comp in data.competencies
        for code, items in comp.statements.items()
        if items
    }


def diff_data(a: FamilyData, b: FamilyData) -> tuple[list, list, list]:  # type: ignore[type-arg]
    levels_a = {lv.uid: lv for lv in a.levels}
    levels_b = {lv.uid: lv for lv in b.levels}
    comps_a = {c.uid: c for c in a.competencies}
    comps_b = {c.uid: c for c in b.competencies}
    level_changes = _compare(levels_a, levels_b, LEVEL_FIELDS, "code")
    comp_changes = _compare(comps_a, comps_b, COMPETENCY_FIELDS, "name")
    cells_a, cells_b = _cells(a), _cells(b)
    statement_changes: list[CellChange] = []
    # Walk in the order of the newer version, then what only the older one has.
    order = [(c.uid, lv.uid, c.name, lv.code) for c in b.competencies for lv in b.levels] + [
        (c.uid, lv.uid, c.name, lv.code)
        for c in a.competencies
        for lv in a.levels
        if c.uid not in comps_b or lv.uid not in levels_b
    ]
    seen: set[tuple[str, str]] = set()
    for comp_uid, level_uid, comp_name, level_code in order:
        key = (comp_uid, level_uid)
        if key in seen:
            continue
        seen.add(key)
        before, after = cells_a.get(key, []), cells_b.get(key, [])
        if before == after:
            continue
        kind = ADDED if not before else REMOVED if not after else CHANGED
        statement_changes.append(CellChange(kind, comp_name, level_code, before, after))
    return level_changes, comp_changes, statement_changes


def diff_versions(a: FrameworkVersion, b: FrameworkVersion) -> VersionDiff:
    """Changes from version `a` (older) to version `b` (newer). 8 queries."""
    levels, competencies, statements = diff_data(version_to_data(a), version_to_data(b))
    return VersionDiff(a, b, levels, competencies, statements)
