"""Read helpers for frameworks: the ladder matrix (shared by the editor, the version view
and each person's ladder), families with their status, and a person's ladder.

The matrix is built in a constant number of queries, whatever the size of the ladder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Count, Q

from frameworks import occupancy
from frameworks.ladder import TRACK_LABELS, Ladder
from frameworks.models import (
    Competency,
    CompetencyCategory,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)

# --- the current version ---------------------------------------------------------------


def current_versions(family_ids: Iterable[int] | None = None) -> dict[int, FrameworkVersion]:
    """The current version of each family: its latest published one (one query). This
    is the only definition of "current"; a family with no published version has none
    (its draft is not current, whatever it holds)."""
    qs = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED)
    if family_ids is not None:
        qs = qs.filter(family_id__in=list(family_ids))
    found: dict[int, FrameworkVersion] = {}
    for version in qs.select_related("family").order_by("family_id", "number"):
        found[version.family_id] = version  # ascending: the newest wins
    return found


def current_version(family: JobFamily) -> FrameworkVersion | None:
    """The family's latest published version, or None."""
    return current_versions([family.pk]).get(family.pk)


def drafts_of(family_ids: Iterable[int]) -> dict[int, FrameworkVersion]:
    """Each family's draft, if it has one (one query)."""
    qs = FrameworkVersion.objects.filter(
        status=FrameworkVersion.Status.DRAFT, family_id__in=list(family_ids)
    )
    return {v.family_id: v for v in qs.select_related("family")}


# The matrix's parts, shared with the template library's matrix (`frameworks.library.
# matrix`), whose levels, competencies and statements are plain views, not rows.


class _Named(Protocol):
    @property
    def name(self) -> str: ...


@dataclass
class Cell[L, S]:
    level: L
    statements: list[S]
    carried: list[S] = field(default_factory=list)
    carried_from: L | None = None
    state: str = ""  # "current" / "next" for a person's ladder

    @property
    def is_empty(self) -> bool:
        return not self.statements


@dataclass
class Row[C, L, S]:
    competency: C
    cells: list[Cell[L, S]]
    first: bool = False
    last: bool = False


@dataclass
class Group[G: _Named, C, L, S]:
    category: G | None
    rows: list[Row[C, L, S]]
    first: bool = False
    last: bool = False

    @property
    def name(self) -> str:
        return self.category.name if self.category else "Other competencies"


@dataclass
class TrackGroup[L]:
    track: str
    label: str
    levels: list[L]

    @property
    def span(self) -> int:
        return len(self.levels)


@dataclass
class Matrix:
    version: FrameworkVersion
    levels: list[Level]
    tracks: list[TrackGroup[Level]]
    groups: list[Group[CompetencyCategory, Competency, Level, Statement]]
    categories: list[CompetencyCategory]
    current: Level | None = None
    next_levels: list[Level] = field(default_factory=list)
    flagged: int = 0  # statements the checker flags (the editor sets it)

    @property
    def competency_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def has_named_groups(self) -> bool:
        return any(g.category for g in self.groups)

    def row_for(self, competency_uid: str) -> Row | None:
        for group in self.groups:
            for row in group.rows:
                if row.competency.uid == competency_uid:
                    return row
        return None


# Thin aliases of the ladder model (frameworks.ladder), kept for existing callers.


def order_levels(levels: list[Level]) -> list[Level]:
    """Columns: the shared trunk, then the IC track, then the Manager track, by rank."""
    return Ladder(levels).ordered()


def path_below(level: Level, levels: list[Level]) -> list[Level]:
    """The levels someone passes on the way to `level`, most junior first."""
    return Ladder(levels).below(level)


def build_matrix(
    version: FrameworkVersion,
    *,
    current: Level | None = None,
    next_levels: list[Level] | None = None,
) -> Matrix:
    """The ladder of a version as rows of cells (4 queries)."""
    ladder = Ladder(Level.objects.filter(version=version))
    levels = ladder.ordered()
    categories = list(CompetencyCategory.objects.filter(version=version).order_by("position", "id"))
    competencies = list(Competency.objects.filter(version=version).order_by("position", "id"))
    cells: dict[tuple[int, int], list[Statement]] = defaultdict(list)
    for st in Statement.objects.filter(version=version).order_by("position", "id"):
        cells[(st.competency_id, st.level_id)].append(st)
    paths = {lv.pk: ladder.below(lv) for lv in levels}
    next_pks = {lv.pk for lv in next_levels or []}
    category_by_pk = {c.pk: c for c in categories}

    def row(comp: Competency) -> Row:
        row_cells = []
        for lv in levels:
            own = cells.get((comp.pk, lv.pk), [])
            cell = Cell(level=lv, statements=own)
            if not own:
                for below in reversed(paths[lv.pk]):
                    found = cells.get((comp.pk, below.pk))
                    if found:
                        cell.carried, cell.carried_from = found, below
                        break
            if current is not None and lv.pk == current.pk:
                cell.state = "current"
            elif lv.pk in next_pks:
                cell.state = "next"
            row_cells.append(cell)
        return Row(competency=comp, cells=row_cells)

    by_category: dict[int | None, list[Row]] = defaultdict(list)
    for comp in competencies:
        key = comp.category_id if comp.category_id in category_by_pk else None
        by_category[key].append(row(comp))
    groups = [Group(category=c, rows=by_category.get(c.pk, [])) for c in categories]
    if by_category.get(None):
        groups.append(Group(category=None, rows=by_category[None]))
    for n, group in enumerate(groups):
        group.first, group.last = n == 0, n == len(groups) - 1
        for m, r in enumerate(group.rows):
            r.first, r.last = m == 0, m == len(group.rows) - 1
    tracks = [TrackGroup(track=t, label=TRACK_LABELS[t], levels=lvs) for t, lvs in ladder.tracks()]
    return Matrix(
        version=version,
        levels=levels,
        tracks=tracks,
        groups=groups,
        categories=categories,
        current=current,
        next_levels=list(next_levels or []),
    )


# --- families ------------------------------------------------------------------------


@dataclass
class FamilyStatus:
    family: JobFamily
    published: FrameworkVersion | None
    draft: FrameworkVersion | None
    people: int


def families_with_status() -> list[FamilyStatus]:
    """Every job family with its latest published version, its draft and how many people
    are placed in it (3 queries)."""
    families = list(
        JobFamily.objects.annotate(
            people_count=Count("people", filter=Q(people__is_active=True), distinct=True)
        )
    )
    published: dict[int, FrameworkVersion] = {}
    drafts: dict[int, FrameworkVersion] = {}
    versions = FrameworkVersion.objects.select_related("created_by", "published_by").order_by(
        "number"
    )
    for v in versions:
        if v.is_draft:
            drafts[v.family_id] = v
        else:
            published[v.family_id] = v  # ascending, so the last one wins
    return [
        FamilyStatus(
            family=f,
            published=published.get(f.pk),
            draft=drafts.get(f.pk),
            people=f.people_count,
        )
        for f in families
    ]


def people_in_family(family: JobFamily) -> int:
    return occupancy.active_count(family)


def people_moving(draft: FrameworkVersion) -> int:
    """How many people stand on this draft's levels once it is published (placed in the
    family by a uid the draft has)."""
    placed = occupancy.placed_uids(draft.family)
    uids = Level.objects.filter(version=draft, uid__in=list(placed)).values_list("uid", flat=True)
    return sum(placed[uid] for uid in uids)


# --- a person's ladder -----------------------------------------------------------------


@dataclass
class Change:
    competency: Competency
    before: list[Statement]
    before_from: Level | None
    after: list[Statement]


@dataclass
class NextStep:
    level: Level
    changes: list[Change]


@dataclass
class PersonLadder:
    family: JobFamily
    version: FrameworkVersion | None
    level: Level | None
    matrix: Matrix | None
    next_steps: list[NextStep]

    @property
    def at_top(self) -> bool:
        return self.level is not None and not self.next_steps


def next_levels(level: Level, levels: list[Level]) -> list[Level]:
    """One step up from `level` (alias of `Ladder(levels).next_levels(level)`)."""
    return Ladder(levels).next_levels(level)


def _effective(row: Row, level: Level) -> tuple[list[Statement], Level | None]:
    for cell in row.cells:
        if cell.level.pk == level.pk:
            if cell.statements:
                return cell.statements, level
            return cell.carried, cell.carried_from
    return [], None


def ladder_for(person: Any) -> PersonLadder | None:
    """A person's ladder: the latest published version of their family, where they are,
    and what the next level expects. None when they have no job family."""
    family = person.job_family
    if family is None:
        return None
    version = current_version(family)
    if version is None:
        return PersonLadder(family=family, version=None, level=None, matrix=None, next_steps=[])
    levels = list(Level.objects.filter(version=version))
    current = next((lv for lv in levels if lv.uid == person.level_uid), None)
    upcoming = next_levels(current, levels) if current else []
    matrix = build_matrix(version, current=current, next_levels=upcoming)
    steps = []
    for nxt in upcoming:
        changes = []
        for group in matrix.groups:
            for row in group.rows:
                after, _ = next(
                    ((c.statements, c.level) for c in row.cells if c.level.pk == nxt.pk),
                    ([], None),
                )
                if not after:
                    continue
                before, before_from = _effective(row, current) if current else ([], None)
                changes.append(Change(row.competency, before, before_from, after))
        steps.append(NextStep(level=nxt, changes=changes))
    # The matrix's level objects are the ones marked; use them so identity checks hold.
    by_pk = {lv.pk: lv for lv in matrix.levels}
    return PersonLadder(
        family=family,
        version=version,
        level=by_pk.get(current.pk) if current else None,
        matrix=matrix,
        next_steps=steps,
    )
