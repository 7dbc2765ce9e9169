"""The one place where review cycles read the framework model.

Review cycles need four things from `frameworks` and `people`: the current (latest
published) version of a family, where a person sits (family + level uid, resolved
against a version), the level(s) one step up, and the statements a form asks about.
They are read here only, so a change in how frameworks store them is made in one place.
Every function works in bulk: a constant number of queries whatever the number of
people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from frameworks.models import (
    Competency,
    CompetencyCategory,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)
from frameworks.selectors import current_versions as _current_versions
from frameworks.selectors import next_levels as _next_levels
from frameworks.selectors import path_below
from people.models import Person
from people.placement import Placement, resolve


def current_versions(family_ids: Iterable[int]) -> dict[int, FrameworkVersion]:
    """The latest published version of each family (one query); see
    `frameworks.selectors.current_versions`, the one definition of "current"."""
    return _current_versions(family_ids)


def current_version(family: JobFamily) -> FrameworkVersion | None:
    return _current_versions([family.pk]).get(family.pk)


def placements(people: Iterable[Person]) -> dict[int, Placement]:
    """Family and level uid of each person, resolved (`people.placement`)."""
    return resolve(people)


def level_of(person: Person) -> Placement:
    return person.placement


def next_levels(level: Level, levels: list[Level]) -> list[Level]:
    """The level(s) one step up from `level` among `levels` (both tracks at the split)."""
    return _next_levels(level, levels)


# --- a version's content, loaded once and used for many forms ------------------------------


@dataclass(frozen=True)
class StatementRow:
    uid: str
    text: str
    evidence: tuple[str, ...]
    competency_uid: str
    competency_name: str
    category_name: str
    level_uid: str
    level_code: str
    position: int


@dataclass
class VersionContent:
    """Everything a form needs from one published version, keyed by uid."""

    version: FrameworkVersion
    levels: list[Level]
    by_uid: dict[str, Level]
    competencies: list[Competency]
    # (competency uid, level uid) -> statements in order
    cells: dict[tuple[str, str], list[StatementRow]] = field(default_factory=dict)

    def level(self, uid: str) -> Level | None:
        return self.by_uid.get(uid)

    def next_levels(self, uid: str) -> list[Level]:
        level = self.by_uid.get(uid)
        return next_levels(level, self.levels) if level else []

    def expected_statements(self, level_uid: str) -> list[StatementRow]:
        """What a level expects, competency by competency: the level's own statements, or,
        where it has none for a competency, those carried from the nearest level below
        on its path (as the ladder matrix shows them)."""
        level = self.by_uid.get(level_uid)
        if level is None:
            return []
        below = list(reversed(path_below(level, self.levels)))
        rows: list[StatementRow] = []
        for comp in self.competencies:
            own = self.cells.get((comp.uid, level.uid))
            if own:
                rows.extend(own)
                continue
            for lower in below:
                carried = self.cells.get((comp.uid, lower.uid))
                if carried:
                    rows.extend(carried)
                    break
        return rows

    def own_statements(self, level_uid: str) -> list[StatementRow]:
        """Only the statements written at this level (for the next level: what is new)."""
        rows: list[StatementRow] = []
        for comp in self.competencies:
            rows.extend(self.cells.get((comp.uid, level_uid), []))
        return rows


def level_uids(versions: Iterable[FrameworkVersion]) -> set[tuple[int, str]]:
    """(version pk, level uid) of every level of these versions, in one query."""
    return set(
        Level.objects.filter(version_id__in=[v.pk for v in versions]).values_list(
            "version_id", "uid"
        )
    )


def levels_of(versions: Iterable[FrameworkVersion]) -> dict[int, list[Level]]:
    """Each version's levels, by version pk (one query): a ladder without its content."""
    found: dict[int, list[Level]] = {v.pk: [] for v in versions}
    if found:
        for lv in Level.objects.filter(version_id__in=list(found)):
            found[lv.version_id].append(lv)
    return found


def own_statements_of(levels: Iterable[Level]) -> dict[int, list[StatementRow]]:
    """The statements written at each of `levels` (by level pk), in the order
    `VersionContent.own_statements` gives them — competency by competency — in one query,
    whatever the size of the rest of the ladder."""
    by_pk = {lv.pk: lv for lv in levels}
    found: dict[int, list[StatementRow]] = {pk: [] for pk in by_pk}
    if not by_pk:
        return found
    rows = (
        Statement.objects.filter(
            version_id__in={lv.version_id for lv in by_pk.values()}, level_id__in=list(by_pk)
        )
        .select_related("competency__category")
        .order_by("competency__position", "competency_id", "position", "id")
    )
    for st in rows:
        comp, level = st.competency, by_pk[st.level_id]
        found[level.pk].append(
            StatementRow(
                uid=st.uid,
                text=st.text,
                evidence=tuple(st.evidence or ()),
                competency_uid=comp.uid,
                competency_name=comp.name,
                category_name=comp.category.name if comp.category else "",
                level_uid=level.uid,
                level_code=level.code,
                position=st.position,
            )
        )
    return found


def load_contents(versions: Iterable[FrameworkVersion]) -> dict[int, VersionContent]:
    """The content of several versions in four queries."""
    by_pk: dict[int, FrameworkVersion] = {v.pk: v for v in versions}
    if not by_pk:
        return {}
    levels_by_version: dict[int, list[Level]] = defaultdict(list)
    for lv in Level.objects.filter(version_id__in=list(by_pk)):
        levels_by_version[lv.version_id].append(lv)
    categories = {
        c.pk: c.name for c in CompetencyCategory.objects.filter(version_id__in=list(by_pk))
    }
    comps_by_version: dict[int, list[Competency]] = defaultdict(list)
    comp_by_pk: dict[int, Competency] = {}
    for comp in Competency.objects.filter(version_id__in=list(by_pk)).order_by("position", "id"):
        comps_by_version[comp.version_id].append(comp)
        comp_by_pk[comp.pk] = comp
    level_by_pk = {lv.pk: lv for lvs in levels_by_version.values() for lv in lvs}
    contents = {
        pk: VersionContent(
            version=v,
            levels=levels_by_version[pk],
            by_uid={lv.uid: lv for lv in levels_by_version[pk]},
            competencies=comps_by_version[pk],
        )
        for pk, v in by_pk.items()
    }
    for st in Statement.objects.filter(version_id__in=list(by_pk)).order_by("position", "id"):
        comp, level = comp_by_pk[st.competency_id], level_by_pk[st.level_id]
        row = StatementRow(
            uid=st.uid,
            text=st.text,
            evidence=tuple(st.evidence or ()),
            competency_uid=comp.uid,
            competency_name=comp.name,
            category_name=categories.get(comp.category_id or 0, ""),
            level_uid=level.uid,
            level_code=level.code,
            position=st.position,
        )
        contents[st.version_id].cells.setdefault((comp.uid, level.uid), []).append(row)
    return contents
