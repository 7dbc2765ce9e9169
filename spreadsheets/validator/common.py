"""The Master Template's sheets and columns, the limits of its cells, and what the
validator returns (`ParsedWorkbook`, `Problem`, `PersonRow`) or is given (`OrgContext`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from frameworks.models import EvidenceKind, Track
from frameworks.schema import FamilyData
from spreadsheets.reader import normalize_name

FAMILIES, LEVELS, STATEMENTS, PEOPLE, INSTRUCTIONS = (
    "Families",
    "Levels",
    "Statements",
    "People",
    "Instructions",
)
RESERVED_SHEETS = {normalize_name(n) for n in (FAMILIES, LEVELS, STATEMENTS, PEOPLE, INSTRUCTIONS)}
MATRIX_META = ("Competency", "Category", "Description", "Source")
RESERVED_LEVEL_WORDS = {normalize_name(n) for n in MATRIX_META}

TRACKS = {
    "shared": Track.SHARED,
    "trunk": Track.SHARED,
    "ic": Track.IC,
    "individual contributor": Track.IC,
    "manager": Track.MANAGER,
    "management": Track.MANAGER,
}
EVIDENCE = {
    **{normalize_name(label): value for value, label in EvidenceKind.choices},
    **{normalize_name(value): value for value in EvidenceKind.values},
    "360": EvidenceKind.INPUT_360,
}
# text a spreadsheet program would run as a formula: written as text (CSV and xlsx exports)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BULLET = re.compile(r"^(?:[•‣◦▪·]\s*|[-*–—]\s+|\d{1,3}[.)]\s+)")
# headings people write instead of ours (all sheets, then per sheet)
HEADER_ALIASES = {
    "e-mail": "email",
    "email address": "email",
    "manager e-mail": "manager email",
    "manager's email": "manager email",
    "job family": "family",
    "family name": "family",
    "competency name": "competency",
}
SHEET_ALIASES = {
    "levels": {"level code": "code", "level title": "title", "level": "code"},
    "people": {
        "level code": "level",
        "full name": "name",
        "start": "start date",
        "title": "job title",
    },
    "statements": {"level code": "level", "behaviour": "statement", "behavior": "statement"},
}
HEADER_SCAN_ROWS = 10

LIMITS = {
    "family": 120,
    "key": 50,
    "code": 20,
    "title": 120,
    "scope": 80,
    "competency": 160,
    "category": 120,
    "source": 60,
    "name": 150,
    "email": 254,
    "job title": 150,
}


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    cell: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = self.sheet
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class PersonRow:
    """One person as the import will write them. The People sheet gives every column; a
    CSV file may leave cells blank, which keep an existing person's details as they are:
    `manager_email` and `title` None, `family` and `level` "" (a new person then has no
    place; a level left blank keeps the person's level while their family stays)."""

    row: int
    email: str
    name: str
    manager_email: str | None  # "" for no manager
    family: str  # the family's name as spelled in Families (or in the organization)
    level: str  # the level's code
    start_date: dt.date | None
    title: str | None = None


@dataclass
class PersonOut:
    """A person as a row of the People sheet (an export writes it)."""

    email: str
    name: str
    manager_email: str
    family: str
    level: str
    start_date: dt.date | None


@dataclass
class KnownPerson(PersonOut):
    """A person the organization has, as an import compares them: their People sheet row,
    job title, and whether they are active."""

    title: str = ""
    is_active: bool = True


@dataclass
class ExistingFamily:
    name: str
    key: str
    levels: dict[str, str]  # code -> title, of the version people are placed on


@dataclass
class OrgContext:
    families: list[ExistingFamily] = field(default_factory=list)
    people_emails: set[str] = field(default_factory=set)
    inactive_emails: set[str] = field(default_factory=set)
    # everyone's row, by e-mail: their reporting lines (a loop through people the file
    # does not name is refused too) and what a blank cell of a CSV file keeps
    people: dict[str, KnownPerson] = field(default_factory=dict)


@dataclass
class ParsedWorkbook:
    families: list[FamilyData] = field(default_factory=list)
    people: list[PersonRow] | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shapes: dict[str, str] = field(default_factory=dict)  # family name -> matrix/long/both

    @property
    def ok(self) -> bool:
        return not self.problems


SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """The matrix sheet name for a family: Excel allows 31 characters and no []:*?/\\."""
    cleaned = SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")
    return " ".join(cleaned.split())[:31].strip() or "Family"


def sheet_owners(names: list[str], keys: list[str]) -> dict[str, int]:
    """Which family (by index) a sheet name belongs to: full names first, then the
    shortened sheet title, then the key. The writer uses the same rule."""
    owners: dict[str, int] = {}
    for candidates in (
        [normalize_name(n) for n in names],
        [normalize_name(sheet_title(n)) for n in names],
        [normalize_name(k) for k in keys],
    ):
        for i, norm in enumerate(candidates):
            if norm and norm not in RESERVED_SHEETS:
                owners.setdefault(norm, i)
    return owners
