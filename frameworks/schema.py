"""The plain-data shape of a job family's ladder.

Templates, the Master Template import/export, O*NET and the demo seed all speak this
shape; `frameworks.services` turns it into rows (`apply_family_data`) and rows back
into it (`version_to_data`). Comparing two `FamilyData` values is how round trips and
diffs are checked.

Every item may carry the `uid` of the versioned row it came from (empty for new items):
a uid is how a level, category, competency or statement stays the same item across
versions, so review forms and diffs can follow it (see `frameworks.identity`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class StatementData:
    text: str
    evidence: list[str] = field(default_factory=list)  # EvidenceKind values
    # identity, not content: two statements with the same text and evidence are equal
    uid: str = field(default="", compare=False)
    # set on a machine-drafted statement (O*NET) until a person edits or accepts it
    draft_note: str = field(default="", compare=False)


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
    # category name -> uid, in order, empty categories included; a category named only
    # by a competency comes after these (with a new uid)
    category_uids: dict[str, str] = field(default_factory=dict)

    def level_codes(self) -> list[str]:
        return [level.code for level in self.levels]

    def categories(self) -> list[str]:
        named = (c.category for c in self.competencies if c.category)
        return list(dict.fromkeys([*self.category_uids, *named]))

    def statement_count(self) -> int:
        return sum(len(s) for c in self.competencies for s in c.statements.values())

    def without_uids(self) -> FamilyData:
        """A copy with every uid blank: the content alone, for comparisons."""
        data = FamilyData.from_dict(asdict(self))
        data.category_uids = {}
        for level in data.levels:
            level.uid = ""
        for comp in data.competencies:
            comp.uid = ""
            for items in comp.statements.values():
                for st in items:
                    st.uid = ""
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FamilyData:
        """The inverse of `dataclasses.asdict` (e.g. an import's stored payload)."""
        return cls(
            name=data["name"],
            key=data.get("key", ""),
            description=data.get("description", ""),
            levels=[LevelData(**lv) for lv in data.get("levels", [])],
            competencies=[
                CompetencyData(
                    **{
                        **c,
                        "statements": {
                            code: [StatementData(**s) for s in items]
                            for code, items in c.get("statements", {}).items()
                        },
                    }
                )
                for c in data.get("competencies", [])
            ],
            category_uids=dict(data.get("category_uids", {})),
        )
