"""The state the sheet parsers share, and how they report a problem or a note."""

from __future__ import annotations

from frameworks import limits
from frameworks.schema import FamilyData
from spreadsheets.reader import CellValue, RawSheet, RawWorkbook, column_letter, normalize_name
from spreadsheets.validator.cells import Table, text
from spreadsheets.validator.common import LIMITS, OrgContext, ParsedWorkbook, Problem


class SheetParser:
    """What every sheet's parser shares: the workbook, the organization's context, the
    result being built and the families read so far."""

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

    def _long_text(
        self, table: Table, values: list[CellValue], row: int, name: str, limit: int
    ) -> str:
        """A free-text cell (a description, a summary) as written, within its limit."""
        value = text(table.get(values, name))
        message = limits.too_long("This text", value, limit)
        if message:
            self.problem(table.sheet.name, row, table.label(name), table.cell(row, name), message)
        return value

    def _note_extra(self, table: Table) -> None:
        for col, label in table.extra:
            if label:
                self.note(
                    f"Ignored column {column_letter(col)} “{label}” on the {table.sheet.name} "
                    "sheet (not a column of the Master Template)."
                )

    def _level_lookup(self, family: FamilyData) -> dict[str, str]:
        lookup: dict[str, str] = {}
        for lv in family.levels:
            lookup.setdefault(normalize_name(lv.title), lv.code)
        for lv in family.levels:
            lookup[normalize_name(lv.code)] = lv.code
        return lookup
