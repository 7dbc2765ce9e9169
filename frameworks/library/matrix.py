"""Lay a template's `FamilyData` out in the shape the shared ladder matrix partial
(`frameworks/partials/matrix.html`) reads, so a template looks exactly like a ladder in
the editor: levels as columns grouped by track (the shared trunk, then IC, then
Manager), competencies as rows grouped by category, and an empty cell showing what
carries over from the levels below on the same path.

Template data has no database rows, so levels, competencies and statements are wrapped
in small read-only views with the attributes the partial uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import slugify

from frameworks import selectors as ladder_matrix
from frameworks.ladder import TRACK_LABELS, Ladder
from frameworks.models import EvidenceKind
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData

EVIDENCE_LABELS = dict(EvidenceKind.choices)


@dataclass(frozen=True)
class LevelView:
    code: str
    title: str
    rank: int
    track: str
    scope: str
    summary: str
    key_question: str
    position: int

    @property
    def uid(self) -> str:
        return slugify(self.code) or f"level-{self.position}"

    @property
    def pk(self) -> str:
        return self.uid


@dataclass(frozen=True)
class StatementView:
    text: str
    evidence: tuple[str, ...]

    @property
    def evidence_labels(self) -> list[str]:
        return [str(EVIDENCE_LABELS.get(kind, kind)) for kind in self.evidence]


@dataclass(frozen=True)
class CompetencyView:
    name: str
    description: str
    uid: str


@dataclass(frozen=True)
class CategoryView:
    name: str
    uid: str


Cell = ladder_matrix.Cell[LevelView, StatementView]
Row = ladder_matrix.Row[CompetencyView, LevelView, StatementView]
Group = ladder_matrix.Group[CategoryView, CompetencyView, LevelView, StatementView]
TrackGroup = ladder_matrix.TrackGroup[LevelView]


@dataclass(frozen=True)
class _Family:
    name: str


@dataclass(frozen=True)
class _Version:
    family: _Family


@dataclass
class Matrix:
    version: _Version
    levels: list[LevelView]
    tracks: list[TrackGroup]
    groups: list[Group]
    current: LevelView | None = None
    next_levels: list[LevelView] = field(default_factory=list)

    @property
    def has_named_groups(self) -> bool:
        return any(g.category for g in self.groups)

    @property
    def categories(self) -> list[Group]:
        return self.groups

    def row(self, name: str) -> Row:
        return next(r for g in self.groups for r in g.rows if r.competency.name == name)


def _level(lv: LevelData, position: int) -> LevelView:
    return LevelView(
        lv.code, lv.title, lv.rank, lv.track, lv.scope, lv.summary, lv.key_question, position
    )


def _statements(items: list[StatementData]) -> list[StatementView]:
    return [StatementView(st.text, tuple(st.evidence)) for st in items]


def _row(comp: CompetencyData, index: int, ladder: Ladder[LevelView]) -> Row:
    cells = []
    for lv in ladder.ordered():
        cell = Cell(level=lv, statements=_statements(comp.statements.get(lv.code, [])))
        if not cell.statements:
            for below in reversed(ladder.below(lv)):
                found = comp.statements.get(below.code)
                if found:
                    cell.carried, cell.carried_from = _statements(found), below
                    break
        cells.append(cell)
    view = CompetencyView(comp.name, comp.description, f"c{index + 1}")
    return Row(competency=view, cells=cells)


def build_matrix(data: FamilyData) -> Matrix:
    ladder = Ladder([_level(lv, n) for n, lv in enumerate(data.levels)])
    groups: list[Group] = []
    by_name: dict[str, Group] = {}
    for index, comp in enumerate(data.competencies):
        key = comp.category
        if key not in by_name:
            category = CategoryView(key, f"g{len(by_name) + 1}") if key else None
            by_name[key] = Group(category=category, rows=[])
            groups.append(by_name[key])
        by_name[key].rows.append(_row(comp, index, ladder))
    for n, group in enumerate(groups):
        group.first, group.last = n == 0, n == len(groups) - 1
        for m, r in enumerate(group.rows):
            r.first, r.last = m == 0, m == len(group.rows) - 1
    return Matrix(
        version=_Version(_Family(data.name)),
        levels=ladder.ordered(),
        tracks=[TrackGroup(t, TRACK_LABELS[t], lvs) for t, lvs in ladder.tracks()],
        groups=groups,
    )
