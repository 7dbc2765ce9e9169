"""The plain-data shape of a job family's ladder.

Templates, the Master Template import/export, O*NET and the demo seed all speak this
shape; `frameworks.services` turns it into rows (`apply_family_data`) and rows back
into it (`version_to_data`). Comparing two `FamilyData` values is how round trips and
diffs are checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StatementData:
    text: str
    evidence: list[str] = field(default_factory=list)  # EvidenceKind values


@dataclass
class LevelData:
    code: str
    title: str
    rank: int
    track: str = "shared"  # Track value: shared / ic / manager
    scope: str = ""
    summary: str = ""
    key_question: str = ""
    uid: str = ""


@dataclass
class CompetencyData:
    name: str
    category: str = ""
    description: str = ""
    # level code -> statements, in order
    statements: dict[str, list[StatementData]] = field(default_factory=dict)
    source: str = ""
    uid: str = ""


@dataclass
class FamilyData:
    name: str
    key: str = ""
    description: str = ""
    levels: list[LevelData] = field(default_factory=list)
    competencies: list[CompetencyData] = field(default_factory=list)

    def level_codes(self) -> list[str]:
        return [level.code for level in self.levels]

    def categories(self) -> list[str]:
        return list(dict.fromkeys(c.category for c in self.competencies if c.category))

    def statement_count(self) -> int:
        return sum(len(s) for c in self.competencies for s in c.statements.values())
