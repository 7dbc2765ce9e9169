"""The statement linter over whole ladders: each statement of a family (plain data, a
version, or the editor's matrix) against the same competency at the adjacent levels of
its track line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from frameworks.ladder import Ladder

if TYPE_CHECKING:
    from frameworks.models import FrameworkVersion
    from frameworks.schema import FamilyData

from frameworks.linter.statements import (
    ALL_LABELS,
    LintResult,
    Neighbour,
    Topic,
    draft_flag,
    lint_statement,
    with_flag,
)

# --- whole ladders -------------------------------------------------------------------------


@dataclass
class StatementLint:
    competency: str
    competency_uid: str
    level_code: str
    level_title: str
    level_uid: str
    track: str
    evidence: list[str]
    result: LintResult

    @property
    def text(self) -> str:
        return self.result.text

    @property
    def evidence_labels(self) -> list[str]:
        from frameworks.models import EvidenceKind

        labels = dict(EvidenceKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.evidence]


@dataclass
class FamilyLint:
    family: str
    items: list[StatementLint] = field(default_factory=list)

    @property
    def score(self) -> int | None:
        """Mean statement score, or None when the ladder has no statements."""
        if not self.items:
            return None
        return round(sum(i.result.score for i in self.items) / len(self.items))

    @property
    def flagged(self) -> list[StatementLint]:
        return [i for i in self.items if i.result.flags]

    def counts(self) -> dict[str, int]:
        counts = {"statements": len(self.items), "flagged": len(self.flagged)}
        for code in ALL_LABELS:
            counts[code] = sum(1 for i in self.items if code in i.result.codes)
        return counts

    def by_flag(self) -> list[tuple[str, str, list[StatementLint]]]:
        """(code, label, statements) for each flag that was raised, in a fixed order."""
        groups = []
        for code, label in ALL_LABELS.items():
            hits = [i for i in self.items if code in i.result.codes]
            if hits:
                groups.append((code, label, hits))
        return groups


def track_lines(levels: Sequence[Any]) -> list[list[Any]]:
    """The lines a person can climb (`frameworks.ladder.Ladder.lines`)."""
    return Ladder(levels).lines()


def adjacent_levels(levels: Sequence[Any]) -> dict[str, list[Any]]:
    """level code -> the levels next to it (one below, one above) on any of its lines."""
    nearby: dict[str, list[Any]] = {lv.code: [] for lv in levels}
    for line in track_lines(levels):
        for i, lv in enumerate(line):
            for j in (i - 1, i + 1):
                if 0 <= j < len(line) and line[j] not in nearby[lv.code]:
                    nearby[lv.code].append(line[j])
    return nearby


def lint_family_data(data: FamilyData) -> FamilyLint:
    """Lint every statement of a ladder in plain-data form, each against the same
    competency's statements at the adjacent levels of its track line (and any identical
    statement at another level)."""
    nearby = adjacent_levels(data.levels)
    level_by_code = {lv.code: lv for lv in data.levels}
    report = FamilyLint(family=data.name)
    for comp in data.competencies:
        topic = Topic(
            comp.name,
            comp.description,
            tuple(st.text for items in comp.statements.values() for st in items),
        )
        for code in [lv.code for lv in data.levels]:
            level = level_by_code[code]
            for st in comp.statements.get(code, []):
                neighbours = [
                    Neighbour(other.text, f"{adj.code} {adj.title}".strip())
                    for adj in nearby.get(code, [])
                    for other in comp.statements.get(adj.code, [])
                ]
                same = " ".join(st.text.split()).casefold()
                neighbours += [
                    Neighbour(other.text, f"{lv.code} {lv.title}".strip())
                    for lv in data.levels
                    if lv.code != code and lv not in nearby.get(code, [])
                    for other in comp.statements.get(lv.code, [])
                    if " ".join(other.text.split()).casefold() == same
                ]
                result = lint_statement(
                    st.text, evidence=st.evidence, neighbours=neighbours, topic=topic
                )
                if st.draft_note:
                    result = with_flag(result, draft_flag(st.draft_note))
                report.items.append(
                    StatementLint(
                        competency=comp.name,
                        competency_uid=comp.uid,
                        level_code=level.code,
                        level_title=level.title,
                        level_uid=level.uid,
                        track=level.track,
                        evidence=list(st.evidence),
                        result=result,
                    )
                )
    return report


def lint_version(version: FrameworkVersion) -> FamilyLint:
    """Lint every statement of one framework version (a handful of queries, whatever its
    size)."""
    from frameworks.services import version_to_data

    return lint_family_data(version_to_data(version))


def neighbours_in_version(
    version: FrameworkVersion, competency_uid: str, level_uid: str, text: str = ""
) -> list[Neighbour]:
    """The statements to compare a cell's text with: the same competency at the adjacent
    levels of the cell's track line, plus any statement of it with the same text at
    another level (2 queries). Empty when the competency or level is not in `version`."""
    return neighbours_for_lines(version, competency_uid, level_uid, [text])[0]


def neighbours_for_lines(
    version: FrameworkVersion, competency_uid: str, level_uid: str, texts: list[str]
) -> list[list[Neighbour]]:
    """`neighbours_in_version` for several lines of one cell, in the same 2 queries."""
    from frameworks.models import Level, Statement

    levels = list(Level.objects.filter(version=version))
    level = next((lv for lv in levels if lv.uid == level_uid), None)
    if level is None:
        return [[] for _ in texts]
    nearby = {lv.pk for lv in adjacent_levels(levels).get(level.code, [])}
    statements = list(
        Statement.objects.filter(version=version, competency__uid=competency_uid)
        .exclude(level=level)
        .order_by("position", "id")
    )
    by_pk = {lv.pk: lv for lv in levels}
    out = []
    for text in texts:
        same = " ".join(text.split()).casefold()
        found = []
        for st in statements:
            lv = by_pk[st.level_id]
            if lv.pk in nearby or (same and " ".join(st.text.split()).casefold() == same):
                found.append(Neighbour(st.text, f"{lv.code} {lv.title}".strip()))
        out.append(found)
    return out


def topic_in_version(
    version: FrameworkVersion, competency_uid: str, level_uid: str, texts: list[str]
) -> Topic | None:
    """The competency of a cell being edited, with its statements at the other levels and
    the cell's own lines (2 queries); None when it is not in `version`."""
    from frameworks.models import Competency, Statement

    comp = Competency.objects.filter(version=version, uid=competency_uid).first()
    if comp is None:
        return None
    others = Statement.objects.filter(version=version, competency=comp).exclude(
        level__uid=level_uid
    )
    return Topic(comp.name, comp.description, (*[st.text for st in others], *texts))


def flag_matrix(matrix: Any) -> int:
    """Lint every statement of an editor matrix (`frameworks.selectors.build_matrix`) in
    place, as `lint_family_data` would, setting `statement.lint`; no queries. Returns how
    many statements are flagged."""
    nearby = adjacent_levels(matrix.levels)
    flagged = 0
    for group in matrix.groups:
        for row in group.rows:
            by_code = {cell.level.code: cell.statements for cell in row.cells}
            topic = Topic(
                row.competency.name,
                row.competency.description,
                tuple(st.text for cell in row.cells for st in cell.statements),
            )
            for cell in row.cells:
                near = nearby.get(cell.level.code, [])
                for st in cell.statements:
                    same = " ".join(st.text.split()).casefold()
                    neighbours = [
                        Neighbour(other.text, f"{lv.code} {lv.title}".strip())
                        for lv in matrix.levels
                        if lv.code != cell.level.code
                        for other in by_code.get(lv.code, [])
                        if lv in near or " ".join(other.text.split()).casefold() == same
                    ]
                    st.lint = lint_statement(
                        st.text, evidence=st.evidence, neighbours=neighbours, topic=topic
                    )
                    if st.draft_note:
                        st.lint = with_flag(st.lint, draft_flag(st.draft_note))
                    flagged += bool(st.lint.flags)
    return flagged
