"""Lay a `FamilyData` out as the standard ladder matrix: levels as columns grouped by
track (the shared trunk, then IC, then Manager), competencies as rows grouped by
category. A cell with nothing new says which lower level's expectations carry over."""

from __future__ import annotations

from dataclasses import dataclass, field

from frameworks.models import EvidenceKind, Track
from frameworks.schema import FamilyData, LevelData

TRACK_ORDER = [Track.SHARED, Track.IC, Track.MANAGER]
EVIDENCE_LABELS = dict(EvidenceKind.choices)
TRACK_LABELS = {Track.SHARED: "Shared", Track.IC: "IC track", Track.MANAGER: "Manager track"}


@dataclass
class StatementCell:
    text: str
    evidence: list[str]


@dataclass
class Cell:
    level: LevelData
    statements: list[StatementCell] = field(default_factory=list)
    carried_from: LevelData | None = None


@dataclass
class Row:
    name: str
    description: str
    cells: list[Cell]


@dataclass
class CategoryRows:
    name: str
    rows: list[Row]


@dataclass
class TrackGroup:
    track: str
    label: str
    levels: list[LevelData]

    @property
    def span(self) -> int:
        return len(self.levels)


@dataclass
class Matrix:
    tracks: list[TrackGroup]
    levels: list[LevelData]
    categories: list[CategoryRows]

    @property
    def column_count(self) -> int:
        return len(self.levels) + 1


def ordered_levels(data: FamilyData) -> list[LevelData]:
    """Levels in matrix column order: the trunk, then IC, then Manager, each by rank."""
    return [
        lv for t in TRACK_ORDER for lv in sorted(data.levels, key=lambda x: x.rank) if lv.track == t
    ]


def predecessors(data: FamilyData, level: LevelData) -> list[LevelData]:
    """The levels below `level` on its own path, nearest first."""
    below = [
        lv
        for lv in data.levels
        if lv.rank < level.rank and (lv.track == Track.SHARED or lv.track == level.track)
    ]
    return sorted(below, key=lambda x: x.rank, reverse=True)


def build_matrix(data: FamilyData) -> Matrix:
    levels = ordered_levels(data)
    chains = {lv.code: predecessors(data, lv) for lv in levels}
    groups = [
        TrackGroup(str(t), TRACK_LABELS[t], [lv for lv in levels if lv.track == t])
        for t in TRACK_ORDER
    ]
    by_category: dict[str, CategoryRows] = {}
    for comp in data.competencies:
        cells = []
        for lv in levels:
            own = comp.statements.get(lv.code, [])
            cell = Cell(
                level=lv,
                statements=[
                    StatementCell(st.text, [EVIDENCE_LABELS.get(k, k) for k in st.evidence])
                    for st in own
                ],
            )
            if not own:
                cell.carried_from = next(
                    (p for p in chains[lv.code] if comp.statements.get(p.code)), None
                )
            cells.append(cell)
        name = comp.category or "Other"
        by_category.setdefault(name, CategoryRows(name, [])).rows.append(
            Row(comp.name, comp.description, cells)
        )
    return Matrix(
        tracks=[g for g in groups if g.levels],
        levels=levels,
        categories=list(by_category.values()),
    )
