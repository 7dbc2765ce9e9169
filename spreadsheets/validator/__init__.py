"""Turning the tables of a Master Template workbook into `FamilyData` and people rows.

Every problem is collected (never only the first) as a `Problem` naming the sheet, the
row, the column and what is wrong, in words an HR person understands. Nothing here
touches the database: what the organization already has (families, people) is passed
in as an `OrgContext`, so the rules are easy to test.

Import from `spreadsheets.validator`. One module per sheet (`families`, `levels`,
`statements` for the matrix sheets and the long Statements sheet, `people`);
`WorkbookParser` reads them in order. `common` holds the sheet names, limits and results,
`cells` the reading of cells and tables.
"""

from __future__ import annotations

from spreadsheets.reader import RawSheet, RawWorkbook
from spreadsheets.validator.cells import statement_lines
from spreadsheets.validator.common import (
    BULLET,
    FAMILIES,
    FORMULA_START,
    INSTRUCTIONS,
    LEVELS,
    PEOPLE,
    STATEMENTS,
    ExistingFamily,
    KnownPerson,
    OrgContext,
    ParsedWorkbook,
    PersonOut,
    PersonRow,
    Problem,
    sheet_owners,
    sheet_title,
)
from spreadsheets.validator.families import FamiliesSheet
from spreadsheets.validator.levels import LevelsSheet
from spreadsheets.validator.people import PeopleSheet
from spreadsheets.validator.statements import StatementsSheets


class WorkbookParser(FamiliesSheet, LevelsSheet, StatementsSheets, PeopleSheet):
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


def parse_workbook(book: RawWorkbook, context: OrgContext | None = None) -> ParsedWorkbook:
    return WorkbookParser(book, context).parse()


def parse_people(
    sheet: RawSheet, context: OrgContext | None = None, *, partial: bool = False, where: str = ""
) -> ParsedWorkbook:
    """A People sheet on its own (a people CSV file, read by `spreadsheets.people_csv`):
    the People sheet's rules, with `partial`'s blank cells that keep a person's details
    and `where` naming the rows in messages ("in this file")."""
    parser = WorkbookParser(RawWorkbook([sheet]), context)
    parser.partial = partial
    parser.where = where or parser.where
    parser._people(sheet)
    return parser.result


__all__ = [
    "BULLET",
    "FAMILIES",
    "FORMULA_START",
    "INSTRUCTIONS",
    "LEVELS",
    "PEOPLE",
    "STATEMENTS",
    "ExistingFamily",
    "KnownPerson",
    "OrgContext",
    "ParsedWorkbook",
    "PersonOut",
    "PersonRow",
    "Problem",
    "WorkbookParser",
    "parse_people",
    "parse_workbook",
    "sheet_owners",
    "sheet_title",
    "statement_lines",
]
