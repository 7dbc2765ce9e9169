"""Ladders for the framework tests: a small Product Management ladder with a shared
trunk that splits into IC and Manager tracks, and a big one (12 levels × 20
competencies) for query counts and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData

# The levels of the library's Product Management template, in rank order: the shared
# trunk (APM, PM, SPM), then the IC track (STAFF, PRIN) and the Manager track (GPM…CPO).
PM_TEMPLATE_CODES = ("APM", "PM", "SPM", "STAFF", "PRIN", "GPM", "DIR", "VP", "CPO")


def small_family(name: str = "Product Management") -> FamilyData:
    levels = [
        LevelData("PM1", "Associate PM", 1, "shared", "Feature", key_question="How do I ship?"),
        LevelData("PM2", "Product Manager", 2, "shared", "Feature"),
        LevelData("PM3", "Senior PM", 3, "shared", "Product area", key_question="How do I lead?"),
        LevelData("PM4", "Staff PM", 4, "ic", "Product line"),
        LevelData("GPM", "Group PM", 4, "manager", "Product line"),
    ]
    competencies = [
        CompetencyData(
            "Prioritization",
            category="Product craft",
            statements={
                "PM1": [StatementData("Ranks the backlog of one feature with the team.")],
                "PM3": [
                    StatementData(
                        "Ranks the product area roadmap with a documented method.",
                        ["decision_record"],
                    )
                ],
                "PM4": [StatementData("Sets the prioritization method for a product line.")],
                "GPM": [StatementData("Coaches PMs to rank their roadmaps.", ["360_input"])],
            },
        ),
        CompetencyData(
            "Communication",
            category="Leadership",
            statements={
                "PM1": [StatementData("Writes clear tickets.", ["written_artifact"])],
                "PM2": [StatementData("Writes a weekly update for the team.")],
            },
        ),
    ]
    return FamilyData(name=name, key="", levels=levels, competencies=competencies)


def big_family(levels: int = 12, competencies: int = 20) -> FamilyData:
    """`levels` levels (half shared, then IC and Manager) × `competencies` competencies,
    with a statement in most cells."""
    shared = levels // 2
    rows = []
    level_data = []
    for i in range(levels):
        if i < shared:
            track, rank = "shared", i + 1
        else:
            j = i - shared
            track, rank = (
                ("ic", shared + 1 + j // 2) if j % 2 == 0 else ("manager", shared + 1 + j // 2)
            )
        level_data.append(LevelData(f"L{i + 1}", f"Level {i + 1}", rank, track, "Feature"))
    for c in range(competencies):
        statements = {
            lv.code: [StatementData(f"Competency {c + 1} at {lv.code}: does the thing well.")]
            for n, lv in enumerate(level_data)
            if (n + c) % 4 != 0
        }
        rows.append(
            CompetencyData(
                f"Competency {c + 1}", category=f"Category {c % 4 + 1}", statements=statements
            )
        )
    return FamilyData(name="Engineering", levels=level_data, competencies=rows)


def load(org: Any, data: FamilyData, actor: Any = None, publish: bool = False) -> Any:
    """Load `data` as a draft (and publish it as the next version when asked)."""
    from frameworks.services import apply_family_data, publish_draft

    draft = apply_family_data(org, data, actor=actor, source="test")
    if publish:
        return publish_draft(draft, actor=actor, note="First version")
    return draft


def write_cell(
    draft: Any,
    competency_uid: str,
    level_uid: str,
    *lines: str,
    actor: Any,
    revision: int | None,
    evidence: Sequence[str] = (),
) -> None:
    """`actor` writes `lines` (a statement a line, as in the editor's box) in one cell of
    the draft through the editor's service, expecting the draft at `revision` (None: not
    checked)."""
    from frameworks.services import edit_cell

    edit_cell(
        draft,
        competency_uid=competency_uid,
        level_uid=level_uid,
        text="\n".join(lines),
        evidence=list(evidence),
        actor=actor,
        expected_revision=revision,
    )


def cell(version: Any, competency: str = "Prioritization", level: str = "PM3") -> tuple[Any, Any]:
    """The competency and level of one cell of a version of the small ladder."""
    from frameworks.models import Competency, Level

    return (
        Competency.objects.get(version=version, name=competency),
        Level.objects.get(version=version, code=level),
    )


def cell_uids(
    version: Any, competency: str = "Prioritization", level: str = "PM3"
) -> tuple[str, str]:
    """The uids of the competency and level of one cell (as the editor's URLs name them)."""
    comp, lv = cell(version, competency, level)
    return comp.uid, lv.uid
