"""Turning the tables of a Master Template workbook into `FamilyData` and people rows.

Every problem is collected (never only the first) as a `Problem` naming the sheet, the
row, the column and what is wrong, in words an HR person understands. Nothing here
touches the database: what the organization already has (families, people) is passed
in as an `OrgContext`, so the rules are easy to test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify
from openpyxl.utils.datetime import from_excel

from frameworks.ladder import validate as validate_ladder
from frameworks.models import EvidenceKind, Track
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from spreadsheets.reader import CellValue, RawSheet, RawWorkbook, column_letter, normalize_name

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
    "people": {"level code": "level", "full name": "name", "start": "start date"},
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
    row: int
    email: str
    name: str
    manager_email: str
    family: str  # the family's name as spelled in Families (or in the organization)
    level: str  # the level's code
    start_date: dt.date | None


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


# --- cells ---------------------------------------------------------------------------------


def text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def shown(value: CellValue, limit: int = 40) -> str:
    """A cell value quoted for a message."""
    s = " ".join(text(value).split())
    return f"“{s[:limit]}…”" if len(s) > limit else f"“{s}”"


def statement_lines(value: CellValue) -> list[str]:
    """A matrix cell: one statement per line, bullets stripped, blank lines dropped."""
    out = []
    for line in text(value).split("\n"):
        line = BULLET.sub("", line.strip(), count=1).strip()
        if line:
            out.append(line)
    return out


def parse_date(value: CellValue) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            converted = from_excel(value)
            return converted.date() if isinstance(converted, dt.datetime) else None
        return None
    s = text(value)
    try:
        return dt.date.fromisoformat(s[:10]) if len(s) >= 10 else dt.date.fromisoformat(s)
    except ValueError:
        return None


def parse_int(value: CellValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    s = text(value)
    return int(s) if re.fullmatch(r"[+-]?\d{1,9}", s) else None


# --- tables --------------------------------------------------------------------------------


@dataclass
class Table:
    """A sheet with a header row: values looked up by column name."""

    sheet: RawSheet
    header_row: int
    columns: dict[str, int]  # normalized header -> 1-based column
    labels: dict[str, str]  # normalized header -> header as written
    extra: list[tuple[int, str]]  # columns with a heading we do not know

    def rows(self) -> Iterable[tuple[int, list[CellValue]]]:
        for index in range(self.header_row, len(self.sheet.rows)):
            values = self.sheet.rows[index]
            if any(v is not None for v in values):
                yield index + 1, values

    def get(self, values: list[CellValue], name: str) -> CellValue:
        col = self.columns.get(name)
        if col is None or col - 1 >= len(values):
            return None
        return values[col - 1]

    def cell(self, row: int, name: str) -> str:
        col = self.columns.get(name)
        return f"{column_letter(col)}{row}" if col else ""

    def label(self, name: str) -> str:
        return self.labels.get(name, name.capitalize())


def header_key(value: CellValue, aliases: dict[str, str] | None = None) -> str:
    key = normalize_name(text(value)).rstrip("*").strip()
    key = HEADER_ALIASES.get(key, key)
    return (aliases or {}).get(key, key)


def find_table(
    sheet: RawSheet, required: list[str], known: list[str], problems: list[Problem]
) -> Table | None:
    """Find the header row (the first of the top rows that names the first required
    column) and check that every required column is there."""
    first = normalize_name(required[0])
    aliases = SHEET_ALIASES.get(normalize_name(sheet.name), {})
    for index, values in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        keys = [header_key(v, aliases) for v in values]
        if first not in keys:
            continue
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        extra: list[tuple[int, str]] = []
        wanted = {normalize_name(k) for k in known}
        for col, (key, raw) in enumerate(zip(keys, values, strict=True), start=1):
            if not key:
                continue
            if key in wanted and key not in columns:
                columns[key] = col
                labels[key] = text(raw)
            else:
                extra.append((col, text(raw)))
        missing = [r for r in required if normalize_name(r) not in columns]
        for name in missing:
            problems.append(
                Problem(
                    sheet.name,
                    index + 1,
                    name,
                    "",
                    f"The “{name}” column is missing. Add a column headed “{name}” to the "
                    "header row.",
                )
            )
        if missing:
            return None
        return Table(sheet, index + 1, columns, labels, extra)
    problems.append(
        Problem(
            sheet.name,
            None,
            "",
            "",
            f"No header row found. The first row should hold the column headings, "
            f"starting with “{required[0]}” ({', '.join(required)} are required).",
        )
    )
    return None


# --- the parser ----------------------------------------------------------------------------


class WorkbookParser:
    def __init__(self, book: RawWorkbook, context: OrgContext | None = None) -> None:
        self.book = book
        self.context = context or OrgContext()
        self.result = ParsedWorkbook()
        self.families: dict[str, FamilyData] = {}  # normalized name -> data
        self.family_rows: dict[str, int] = {}
        self.sheet_for_family: dict[str, RawSheet] = {}
        self.broken_refs: dict[str, set[str]] = {}  # levels that had errors of their own

    def broken(self, family_name: str, ref: str) -> bool:
        return normalize_name(ref) in self.broken_refs.get(normalize_name(family_name), set())

    def problem(self, sheet: str, row: int | None, column: str, cell: str, message: str) -> None:
        self.result.problems.append(Problem(sheet, row, column, cell, message))

    def note(self, message: str) -> None:
        self.result.notes.append(message)

    def parse(self) -> ParsedWorkbook:
        self.result.notes.extend(sheet.note for sheet in self.book.sheets if sheet.note)
        families = self.book.find(FAMILIES)
        levels = self.book.find(LEVELS)
        if families is None:
            self.problem(
                FAMILIES,
                None,
                "",
                "",
                "The workbook has no “Families” sheet. Every import needs a Families sheet "
                "listing the job families (download the Master Template to see the layout).",
            )
        if levels is None:
            self.problem(
                LEVELS,
                None,
                "",
                "",
                "The workbook has no “Levels” sheet. Add a Levels sheet listing each "
                "family's levels.",
            )
        if families is not None:
            self._families(families)
        if levels is not None:
            self._levels(levels)
        self._match_sheets()
        long_form = self._long_statements()
        for key, family in self.families.items():
            self._statements(key, family, long_form.get(key))
        people = self.book.find(PEOPLE)
        if people is not None:
            self._people(people)
        self.result.families = list(self.families.values())
        return self.result

    # Families ---------------------------------------------------------------------------

    def _families(self, sheet: RawSheet) -> None:
        table = find_table(
            sheet, ["Family"], ["Family", "Key", "Description"], self.result.problems
        )
        if table is None:
            return
        self._note_extra(table)
        keys: dict[str, int] = {}
        for row, values in table.rows():
            name = " ".join(text(table.get(values, "family")).split())
            key_text = text(table.get(values, "key"))
            if not name:
                self.problem(
                    sheet.name,
                    row,
                    table.label("family"),
                    table.cell(row, "family"),
                    "The family name is empty. Give the job family a name, or delete the row.",
                )
                continue
            norm = normalize_name(name)
            if norm in self.families:
                self.problem(
                    sheet.name,
                    row,
                    table.label("family"),
                    table.cell(row, "family"),
                    f"“{name}” is listed twice (also on row {self.family_rows[norm]}). Each "
                    "job family appears once.",
                )
                continue
            if len(name) > LIMITS["family"]:
                self.problem(
                    sheet.name,
                    row,
                    table.label("family"),
                    table.cell(row, "family"),
                    f"The family name is {len(name)} characters long; at most "
                    f"{LIMITS['family']} fit.",
                )
            key = slugify(key_text or name)[: LIMITS["key"]].strip("-")
            if key_text and not key:
                self.problem(
                    sheet.name,
                    row,
                    table.label("key"),
                    table.cell(row, "key"),
                    f"The key {shown(key_text)} has no letters or digits. Use a short code "
                    "like “product-management”, or leave it empty.",
                )
            elif key in keys:
                self.problem(
                    sheet.name,
                    row,
                    table.label("key"),
                    table.cell(row, "key"),
                    f"The key “{key}” is already used by the family on row {keys[key]}. "
                    "Keys must be different (leave it empty to derive it from the name).",
                )
            keys[key] = row
            self.families[norm] = FamilyData(
                name=name, key=key, description=text(table.get(values, "description"))
            )
            self.family_rows[norm] = row

    # Levels -----------------------------------------------------------------------------

    def _levels(self, sheet: RawSheet) -> None:
        required = ["Family", "Code", "Title", "Track", "Rank"]
        table = find_table(
            sheet,
            required,
            [*required, "Scope", "Summary", "Key question"],
            self.result.problems,
        )
        if table is None:
            return
        self._note_extra(table)
        seen: dict[tuple[str, str], int] = {}
        rows_of: dict[str, dict[str, int]] = {}
        mentioned: set[str] = set()
        for row, values in table.rows():

            def bad(col: str, message: str, row: int = row) -> None:
                self.problem(sheet.name, row, table.label(col), table.cell(row, col), message)

            family_name = text(table.get(values, "family"))
            family = self.families.get(normalize_name(family_name))
            code = text(table.get(values, "code"))
            title = " ".join(text(table.get(values, "title")).split())
            track_raw = table.get(values, "track")
            rank_raw = table.get(values, "rank")
            ok = True
            if not family_name:
                bad("family", "The family is empty. Say which job family this level belongs to.")
                ok = False
            elif family is None:
                bad(
                    "family",
                    f"{shown(family_name)} is not a family on the Families sheet. Check the "
                    "spelling, or add the family there.",
                )
                ok = False
            if not code:
                bad("code", "The level code is empty. Give each level a short code, like PM3.")
                ok = False
            elif len(code) > LIMITS["code"]:
                bad("code", f"The code {shown(code)} is too long; use at most 20 characters.")
                ok = False
            elif "\n" in code:
                bad("code", "The code must be on one line.")
                ok = False
            if not title:
                bad("title", "The title is empty. Give the level a title, like Senior PM.")
                ok = False
            elif len(title) > LIMITS["title"]:
                bad("title", "The title is too long; use at most 120 characters.")
                ok = False
            track = TRACKS.get(normalize_name(text(track_raw)))
            if track is None:
                bad(
                    "track",
                    f"The track {shown(track_raw)} is not one we know. Use Shared, IC or Manager."
                    if text(track_raw)
                    else "The track is empty. Use Shared, IC or Manager.",
                )
                ok = False
            rank = parse_int(rank_raw)
            if rank is None:
                bad(
                    "rank",
                    f"The rank must be a whole number, like 3. Found {shown(rank_raw)}."
                    if text(rank_raw)
                    else "The rank is empty. Give a whole number; higher is more senior.",
                )
                ok = False
            for name in (code, title):
                if normalize_name(name) in RESERVED_LEVEL_WORDS:
                    bad(
                        "code" if name == code else "title",
                        f"“{name}” cannot be a level code or title: it is a column name in the "
                        "matrix sheets.",
                    )
                    ok = False
            if family is not None:
                mentioned.add(normalize_name(family.name))
                if not ok:  # already reported: references to it elsewhere stay quiet
                    broken = self.broken_refs.setdefault(normalize_name(family.name), set())
                    broken.update(normalize_name(r) for r in (code, title) if r)
            if not ok or family is None or track is None or rank is None:
                continue
            fam = normalize_name(family.name)
            refs = rows_of.setdefault(fam, {})
            c_norm, t_norm = normalize_name(code), normalize_name(title)
            clash = next(
                (
                    (what, ref, n)
                    for what, ref, n in (("code", code, c_norm), ("title", title, t_norm))
                    if n in refs
                ),
                None,
            )
            if clash is not None:
                what, ref, n = clash
                bad(
                    what,
                    f"{family.name} already has a level with the code or title “{ref}” (row "
                    f"{refs[n]}). Codes and titles must be different within a family, because "
                    "statements and people refer to levels by either.",
                )
                continue
            refs[c_norm] = refs[t_norm] = row
            seen[(fam, normalize_name(code))] = row
            family.levels.append(
                LevelData(
                    code=code,
                    title=title,
                    rank=rank,
                    track=track,
                    scope=self._limited(table, values, row, "scope"),
                    summary=text(table.get(values, "summary")),
                    key_question=text(table.get(values, "key question")),
                )
            )
        for norm, family in self.families.items():
            if not family.levels:
                if norm not in mentioned:
                    self.note(
                        f"{family.name} has no levels on the Levels sheet; it is imported "
                        "without levels."
                    )
                continue
            # the ladder rules are the editor's (frameworks.ladder)
            for problem in validate_ladder(family.levels):
                at = seen.get((norm, normalize_name(problem.level)))
                self.problem(
                    sheet.name,
                    at,
                    table.label("rank"),
                    table.cell(at or 0, "rank"),
                    f"{family.name} level {problem.level}: {problem.message}",
                )
            family.levels.sort(key=lambda lv: (lv.rank, lv.track != Track.SHARED))

    def _limited(self, table: Table, values: list[CellValue], row: int, name: str) -> str:
        value = " ".join(text(table.get(values, name)).split())
        if len(value) > LIMITS[name]:
            self.problem(
                table.sheet.name,
                row,
                table.label(name),
                table.cell(row, name),
                f"This is {len(value)} characters long; at most {LIMITS[name]} fit.",
            )
        return value

    def _note_extra(self, table: Table) -> None:
        for col, label in table.extra:
            if label:
                self.note(
                    f"Ignored column {column_letter(col)} “{label}” on the {table.sheet.name} "
                    "sheet (not a column of the Master Template)."
                )

    # Statements -------------------------------------------------------------------------

    def _match_sheets(self) -> None:
        keys = list(self.families)
        owners = sheet_owners(
            [f.name for f in self.families.values()], [f.key for f in self.families.values()]
        )
        for sheet in self.book.sheets:
            norm = normalize_name(sheet.name)
            if norm in RESERVED_SHEETS:
                continue
            owner = owners.get(norm)
            family_key = keys[owner] if owner is not None else None
            if family_key is None or family_key in self.sheet_for_family:
                self.note(
                    f"Ignored the sheet “{sheet.name}”: it is not a Master Template sheet "
                    "and not named like a job family."
                )
                continue
            self.sheet_for_family[family_key] = sheet

    def _level_lookup(self, family: FamilyData) -> dict[str, str]:
        lookup: dict[str, str] = {}
        for lv in family.levels:
            lookup.setdefault(normalize_name(lv.title), lv.code)
        for lv in family.levels:
            lookup[normalize_name(lv.code)] = lv.code
        return lookup

    def _matrix(self, family: FamilyData, sheet: RawSheet) -> list[CompetencyData] | None:
        problems = self.result.problems
        before = len(problems)
        table = find_table(sheet, ["Competency"], list(MATRIX_META), problems)
        if table is None:
            return None
        lookup = self._level_lookup(family)
        level_cols: dict[int, str] = {}
        for col, label in table.extra:
            code = lookup.get(normalize_name(label)) or level_in_heading(lookup, label)
            if code is None:
                if label and self.broken(family.name, label):
                    continue
                if label:
                    self.note(
                        f"Ignored column {column_letter(col)} “{label}” on the {sheet.name} "
                        f"sheet: it is not a level code or title of {family.name}."
                    )
                elif any(
                    len(values) >= col and values[col - 1] is not None for _, values in table.rows()
                ):
                    self.note(
                        f"Ignored column {column_letter(col)} on the {sheet.name} sheet: it "
                        "has no heading."
                    )
                continue
            if code in level_cols.values():
                self.problem(
                    sheet.name,
                    table.header_row,
                    label,
                    f"{column_letter(col)}{table.header_row}",
                    f"Level {code} has two columns. Keep one column per level.",
                )
                continue
            level_cols[col] = code
        comps: dict[str, CompetencyData] = {}
        comp_rows: dict[str, int] = {}
        order = {code: i for i, code in enumerate(family.level_codes())}
        for row, values in table.rows():
            name = " ".join(text(table.get(values, "competency")).split())
            has_content = any(
                values[col - 1] is not None for col in level_cols if col - 1 < len(values)
            )
            if not name:
                if has_content:
                    self.problem(
                        sheet.name,
                        row,
                        table.label("competency"),
                        table.cell(row, "competency"),
                        "This row has statements but no competency name. Name the competency "
                        "in the first column.",
                    )
                continue
            comp = self._competency(comps, comp_rows, name, table, values, row)
            if comp is None:
                continue
            for col, code in level_cols.items():
                lines = statement_lines(values[col - 1] if col - 1 < len(values) else None)
                if lines:
                    comp.statements.setdefault(code, []).extend(StatementData(t) for t in lines)
        for comp in comps.values():
            comp.statements = dict(sorted(comp.statements.items(), key=lambda kv: order[kv[0]]))
        if len(problems) > before:
            return None
        return list(comps.values())

    def _competency(
        self,
        comps: dict[str, CompetencyData],
        comp_rows: dict[str, int],
        name: str,
        table: Table,
        values: list[CellValue],
        row: int,
    ) -> CompetencyData | None:
        sheet = table.sheet.name
        if len(name) > LIMITS["competency"]:
            self.problem(
                sheet,
                row,
                table.label("competency"),
                table.cell(row, "competency"),
                f"The competency name is {len(name)} characters long; at most 160 fit.",
            )
            return None
        category = self._limited(table, values, row, "category")
        description = text(table.get(values, "description"))
        source = self._limited(table, values, row, "source")
        key = normalize_name(name)
        comp = comps.get(key)
        if comp is None:
            comp = comps[key] = CompetencyData(
                name=name, category=category, description=description, source=source
            )
            comp_rows[key] = row
            return comp
        for attr, value in (("category", category), ("description", description)):
            current = getattr(comp, attr)
            if value and current and value != current:
                self.problem(
                    sheet,
                    row,
                    table.label(attr),
                    table.cell(row, attr),
                    f"“{name}” has the {attr} {shown(value)} here but {shown(current)} on row "
                    f"{comp_rows[key]}. A competency has one {attr}.",
                )
            elif value and not current:
                setattr(comp, attr, value)
        comp.source = comp.source or source
        return comp

    def _long_statements(self) -> dict[str, list[CompetencyData]]:
        sheet = self.book.find(STATEMENTS)
        if sheet is None:
            return {}
        required = ["Family", "Competency", "Level", "Statement"]
        table = find_table(
            sheet,
            required,
            [*required, "Category", "Evidence", "Description", "Source"],
            self.result.problems,
        )
        if table is None:
            return {}
        self._note_extra(table)
        out: dict[str, dict[str, CompetencyData]] = {}
        comp_rows: dict[str, dict[str, int]] = {}
        lookups = {key: self._level_lookup(f) for key, f in self.families.items()}
        for row, values in table.rows():

            def bad(col: str, message: str, row: int = row) -> None:
                self.problem(sheet.name, row, table.label(col), table.cell(row, col), message)

            family_name = text(table.get(values, "family"))
            fam = normalize_name(family_name)
            name = " ".join(text(table.get(values, "competency")).split())
            level_ref = text(table.get(values, "level"))
            statement = text(table.get(values, "statement"))
            if fam not in self.families:
                bad(
                    "family",
                    f"{shown(family_name)} is not a family on the Families sheet."
                    if family_name
                    else "The family is empty. Say which job family this statement belongs to.",
                )
                continue
            family = self.families[fam]
            if not name:
                bad("competency", "The competency is empty. Say which competency this is for.")
                continue
            code = lookups[fam].get(normalize_name(level_ref))
            if level_ref and code is None and self.broken(family.name, level_ref):
                continue
            if level_ref and code is None:
                known = ", ".join(family.level_codes()) or "none yet"
                bad(
                    "level",
                    f"{shown(level_ref)} is not a level of {family.name}. Use one of its level "
                    f"codes ({known}) or titles.",
                )
                continue
            if level_ref and not statement:
                bad(
                    "statement", "The statement is empty. Write the expectation, or delete the row."
                )
                continue
            if statement and not level_ref:
                bad("level", "The level is empty. Say at which level this is expected.")
                continue
            evidence = self._evidence(table, values, row)
            comps = out.setdefault(fam, {})
            comp = self._competency(comps, comp_rows.setdefault(fam, {}), name, table, values, row)
            if comp is None or code is None or evidence is None:
                continue
            comp.statements.setdefault(code, []).append(StatementData(statement, evidence))
        result = {}
        for fam, comps in out.items():
            order = {code: i for i, code in enumerate(self.families[fam].level_codes())}
            for comp in comps.values():
                comp.statements = dict(sorted(comp.statements.items(), key=lambda kv: order[kv[0]]))
            result[fam] = list(comps.values())
        return result

    def _evidence(self, table: Table, values: list[CellValue], row: int) -> list[str] | None:
        raw = text(table.get(values, "evidence"))
        kinds: list[str] = []
        for part in re.split(r"[;\n]", raw):
            part = part.strip()
            if not part:
                continue
            kind = EVIDENCE.get(normalize_name(part))
            if kind is None:
                allowed = "; ".join(label for _, label in EvidenceKind.choices)
                self.problem(
                    table.sheet.name,
                    row,
                    table.label("evidence"),
                    table.cell(row, "evidence"),
                    f"{shown(part)} is not a kind of evidence we know. Use any of: {allowed} "
                    "(separated by semicolons).",
                )
                return None
            kinds.append(str(kind))
        return kinds

    def _statements(self, key: str, family: FamilyData, long: list[CompetencyData] | None) -> None:
        sheet = self.sheet_for_family.get(key)
        matrix = self._matrix(family, sheet) if sheet is not None and family.levels else None
        if sheet is not None and long is not None:
            self.result.shapes[family.name] = "both"
            if matrix is not None:
                self._agree(family, sheet, matrix, long)
        elif sheet is not None:
            self.result.shapes[family.name] = "matrix"
        elif long is not None:
            self.result.shapes[family.name] = "long"
        family.competencies = long if long is not None else (matrix or [])

    def _agree(
        self,
        family: FamilyData,
        sheet: RawSheet,
        matrix: list[CompetencyData],
        long: list[CompetencyData],
    ) -> None:
        def texts(comps: list[CompetencyData]) -> dict[tuple[str, str], list[str]]:
            out: dict[tuple[str, str], list[str]] = {}
            for c in comps:
                out.setdefault((normalize_name(c.name), ""), [])
                for code, items in c.statements.items():
                    out[(normalize_name(c.name), code)] = sorted(s.text for s in items)
            return out

        a, b = texts(matrix), texts(long)
        names = {normalize_name(c.name): c.name for c in [*long, *matrix]}
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                comp, code = k
                where = f" at level {code}" if code else ""
                self.problem(
                    STATEMENTS,
                    None,
                    "",
                    "",
                    f"The {sheet.name} sheet and the Statements sheet disagree about "
                    f"“{names[comp]}”{where}. Give the statements in one of the two "
                    "sheets, or make them the same.",
                )

    # People -----------------------------------------------------------------------------

    def _people(self, sheet: RawSheet) -> None:
        required = ["Email", "Name", "Family", "Level"]
        table = find_table(
            sheet,
            required,
            [*required, "Manager email", "Start date"],
            self.result.problems,
        )
        if table is None:
            return
        self._note_extra(table)
        existing = {normalize_name(f.name): f for f in self.context.families}
        people: list[PersonRow] = []
        links: list[PersonRow] = []
        rows_by_email: dict[str, int] = {}
        for row, values in table.rows():

            def bad(col: str, message: str, row: int = row) -> None:
                self.problem(sheet.name, row, table.label(col), table.cell(row, col), message)

            email = text(table.get(values, "email")).lower()
            name = " ".join(text(table.get(values, "name")).split())
            manager = text(table.get(values, "manager email")).lower()
            family_name = text(table.get(values, "family"))
            level_ref = text(table.get(values, "level"))
            start_raw = table.get(values, "start date")
            ok = True
            if not email:
                bad("email", "The e-mail address is empty. Every person needs one.")
                ok = False
            elif not _valid_email(email):
                bad("email", f"{shown(email)} is not an e-mail address, like name@company.com.")
                ok = False
            elif email in rows_by_email:
                bad(
                    "email",
                    f"{email} is listed twice (also on row {rows_by_email[email]}). Each person "
                    "appears once.",
                )
                ok = False
            if not name:
                bad("name", "The name is empty.")
                ok = False
            elif len(name) > LIMITS["name"]:
                bad("name", "The name is too long; use at most 150 characters.")
                ok = False
            if manager and not _valid_email(manager):
                bad(
                    "manager email",
                    f"{shown(manager)} is not an e-mail address, like name@company.com.",
                )
                ok = False
            elif manager and manager == email:
                bad("manager email", "Someone cannot be their own manager.")
                ok = False
            start = parse_date(start_raw)
            if start_raw is not None and start is None:
                bad(
                    "start date",
                    f"{shown(start_raw)} is not a date. Write it like 2024-03-01, or use a "
                    "date cell.",
                )
                ok = False
            family_label, level_code = "", ""
            norm = normalize_name(family_name)
            if not family_name:
                bad("family", "The family is empty. Say which job family this person is in.")
                ok = False
            elif norm in self.families:
                family_label = self.families[norm].name
                level_code = self._level_lookup(self.families[norm]).get(
                    normalize_name(level_ref), ""
                )
                codes = self.families[norm].level_codes()
            elif norm in existing:
                family_label = existing[norm].name
                ex = existing[norm]
                lookup = {normalize_name(t): c for c, t in ex.levels.items()}
                lookup.update({normalize_name(c): c for c in ex.levels})
                level_code = lookup.get(normalize_name(level_ref), "")
                codes = list(ex.levels)
            else:
                bad(
                    "family",
                    f"{shown(family_name)} is not a family on the Families sheet or in your "
                    "organization.",
                )
                ok = False
            if (
                family_label
                and level_ref
                and not level_code
                and self.broken(family_label, level_ref)
            ):
                ok = False  # the level itself has a problem, reported on the Levels sheet
            elif family_label:
                if not level_ref:
                    bad("level", "The level is empty. Say which level this person is at.")
                    ok = False
                elif not level_code:
                    bad(
                        "level",
                        f"{shown(level_ref)} is not a level of {family_label}. Use one of its "
                        f"level codes ({', '.join(codes) or 'none yet'}) or titles.",
                    )
                    ok = False
            if email and email not in rows_by_email:
                rows_by_email[email] = row
                if _valid_email(email) and (
                    not manager or (_valid_email(manager) and manager != email)
                ):
                    links.append(PersonRow(row, email, name, manager, "", "", None))
            if ok:
                people.append(PersonRow(row, email, name, manager, family_label, level_code, start))
        in_sheet = set(rows_by_email)
        known = in_sheet | self.context.people_emails
        manager_of = {p.email: p.manager_email for p in links}
        for p in links:  # reporting lines are checked even on rows with other problems
            if p.manager_email and p.manager_email not in known:
                self.problem(
                    sheet.name,
                    p.row,
                    table.label("manager email"),
                    table.cell(p.row, "manager email"),
                    f"The manager {p.manager_email} is not on this sheet or in your people "
                    "directory. Add them as a row, or correct the address.",
                )
                continue
            if p.manager_email in self.context.inactive_emails and p.manager_email not in in_sheet:
                self.problem(
                    sheet.name,
                    p.row,
                    table.label("manager email"),
                    table.cell(p.row, "manager email"),
                    f"The manager {p.manager_email} is deactivated in your people directory and "
                    "cannot manage anyone. Choose another manager, or reactivate them first.",
                )
                continue
            seen = {p.email}
            current = p.manager_email
            while current and current in manager_of:
                if current in seen:
                    self.problem(
                        sheet.name,
                        p.row,
                        table.label("manager email"),
                        table.cell(p.row, "manager email"),
                        f"The reporting lines loop back to {p.email}: {p.email} cannot (even "
                        "indirectly) manage their own manager.",
                    )
                    break
                seen.add(current)
                current = manager_of[current]
        self.result.people = people


HEADING_PARTS = re.compile(r"\s*(?:[-–—:·|/(),\n]|\s\s)\s*")


def level_in_heading(lookup: dict[str, str], label: str) -> str | None:
    """A matrix heading that combines code and title ("PM3 – Senior PM", "L3 (Senior)"):
    the level whose code or title is one of its parts, or its first word, if only one."""
    parts = [p for p in HEADING_PARTS.split(label) if p.strip()]
    words = label.split()
    if words:
        parts.append(words[0])
    found = {lookup[normalize_name(p)] for p in parts if normalize_name(p) in lookup}
    return found.pop() if len(found) == 1 else None


def _valid_email(value: str) -> bool:
    if len(value) > LIMITS["email"]:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


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


def parse_workbook(book: RawWorkbook, context: OrgContext | None = None) -> ParsedWorkbook:
    return WorkbookParser(book, context).parse()
