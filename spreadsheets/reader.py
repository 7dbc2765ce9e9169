"""Reading an .xlsx workbook into plain tables.

Formulas are never evaluated: the workbook is opened with `data_only=False`, so a
formula cell holds its text (`=SUM(A1:A3)`), which is imported as text. Merged cells
take the value of their top-left cell, filled down the rows of the merge (a category
merged over several competencies belongs to each of them) but not across columns (a
statement merged over two level columns is expected from the first level on, and
"carried" after that). openpyxl parses XML through defusedxml when it is installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import warnings
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.conf import settings

from spreadsheets.safety import RefusedFile, check_workbook_bytes

if TYPE_CHECKING:
    from openpyxl.worksheet.formula import ArrayFormula

# openpyxl (and numpy, which it loads when installed: ~37 MB together) is imported by the
# functions that read a workbook, not here: the web process imports this module for its
# helpers and must not carry openpyxl (docs/performance.md, "A web process under 200 MB")
assert importlib.util.find_spec("defusedxml"), "defusedxml must be installed to parse workbooks"

CellValue = str | int | float | dt.datetime | dt.date | None
MAX_COLUMNS = 300  # far more than any ladder has levels
MAX_LAST_ROW = 100_000  # a value below this row would make us read every row above it


@dataclass
class RawSheet:
    name: str
    # rows[i] is sheet row i + 1; trailing empty rows and columns are dropped
    rows: list[list[CellValue]] = field(default_factory=list)
    note: str = ""

    def cell(self, row: int, col: int) -> CellValue:
        """1-based row and column."""
        if row - 1 >= len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col - 1] if col - 1 < len(values) else None


@dataclass
class RawWorkbook:
    sheets: list[RawSheet]

    def find(self, name: str) -> RawSheet | None:
        wanted = normalize_name(name)
        for sheet in self.sheets:
            if normalize_name(sheet.name) == wanted:
                return sheet
        return None


def normalize_name(value: str) -> str:
    """How sheet names and headers are compared: case-insensitive, spacing ignored."""
    return " ".join(str(value).split()).casefold()


def column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _value(cell: Any, array_formula: type[ArrayFormula]) -> CellValue:
    value = cell.value
    if value is None:
        return None
    if isinstance(value, array_formula):
        return value.text or None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        return text if text.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, int | float | dt.datetime | dt.date):
        return value
    return str(value)


def read_workbook(data: bytes, *, name: str = "") -> RawWorkbook:
    """Check the file, then read every sheet's values (formulas as their text)."""
    import openpyxl

    assert openpyxl.DEFUSEDXML, "defusedxml must be installed so workbooks are parsed safely"
    check_workbook_bytes(data, name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", data validation notes
            book = openpyxl.load_workbook(
                BytesIO(data), read_only=False, data_only=False, keep_links=False
            )
    except RefusedFile:
        raise
    except Exception as exc:  # a broken part anywhere in the file
        raise RefusedFile(
            "The workbook could not be read; it may be damaged or saved by a program we do "
            "not support. Open it in Excel or Google Sheets, save it as an Excel Workbook "
            "(.xlsx) and upload it again."
        ) from exc
    sheets = []
    try:
        for ws in book.worksheets:
            sheets.append(_read_sheet(ws))
    finally:
        book.close()
    return RawWorkbook(sheets)


def _read_sheet(ws: Any) -> RawSheet:
    """Only the cells that hold something are visited (a stray format in column XFD or
    row 20,000 costs nothing); columns past MAX_COLUMNS are ignored and said."""
    from openpyxl.worksheet.formula import ArrayFormula

    values: dict[int, dict[int, CellValue]] = {}
    too_wide = False
    for (r, c), cell in ws._cells.items():
        value = _value(cell, ArrayFormula)
        if value is None:
            continue
        if c > MAX_COLUMNS:
            too_wide = True
            continue
        values.setdefault(r, {})[c] = value
    for merged in ws.merged_cells.ranges:
        value = values.get(merged.min_row, {}).get(merged.min_col)
        if value is None or merged.min_col > MAX_COLUMNS:
            continue
        for r in range(merged.min_row + 1, merged.max_row + 1):
            values.setdefault(r, {})[merged.min_col] = value
    last = max(values, default=0)
    if last > max(MAX_LAST_ROW, settings.IMPORT_MAX_ROWS):
        raise RefusedFile(
            f"The {ws.title} sheet has something in row {last:,}, far below the rest of "
            f"your data, so we would have to read {last:,} rows. Delete that cell (press "
            "Ctrl+End in Excel to find it), save and upload again."
        )
    rows = [
        [line.get(c) for c in range(1, max(line) + 1)] if (line := values.get(r)) else []
        for r in range(1, last + 1)
    ]
    note = (
        f"Ignored everything to the right of column {column_letter(MAX_COLUMNS)} on the "
        f"{ws.title} sheet."
        if too_wide
        else ""
    )
    return RawSheet(name=ws.title, rows=rows, note=note)
