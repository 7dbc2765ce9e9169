"""Reading cells (text, dates, whole numbers, statement lines) and finding a sheet's
table by its headings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from spreadsheets.reader import CellValue, RawSheet, column_letter, normalize_name
from spreadsheets.validator.common import (
    BULLET,
    HEADER_ALIASES,
    HEADER_SCAN_ROWS,
    LIMITS,
    SHEET_ALIASES,
    Problem,
)

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
            from openpyxl.utils.datetime import from_excel  # not at import: ~37 MB

            converted = from_excel(value)
            return converted.date() if isinstance(converted, dt.datetime) else None
        return None
    s = text(value)
    written = DAY_FIRST.fullmatch(s) or YEAR_FIRST.fullmatch(s)
    if written:  # 31/03/2024 (a CSV file's other documented form), 2024-3-31
        day, month, year = (int(g) for g in written.group("d", "m", "y"))
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(s[:10]) if len(s) >= 10 else dt.date.fromisoformat(s)
    except ValueError:
        return None


DAY_FIRST = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
YEAR_FIRST = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")


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


def valid_email(value: str) -> bool:
    if len(value) > LIMITS["email"]:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
