"""Master Template workbooks for the tests: the blank template with some cells changed,
and, for the tests that import one in another process, one family ("Design", one level,
one competency) and `people` people on it."""

from __future__ import annotations

import io
from typing import Any


def edited_template(cells: dict[str, dict[str, Any]]) -> bytes:
    """The blank Master Template workbook with `cells` ({sheet: {cell: value}}) changed."""
    import openpyxl

    from spreadsheets.writer import blank_template

    book = openpyxl.load_workbook(io.BytesIO(blank_template()))
    for sheet, values in cells.items():
        for ref, value in values.items():
            book[sheet][ref] = value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def design_with_people(people: int, domain: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Families"
    book["Families"].append(["Family", "Key", "Description"])
    book["Families"].append(["Design", "", ""])
    levels = book.create_sheet("Levels")
    levels.append(["Family", "Code", "Title", "Track", "Rank"])
    levels.append(["Design", "D1", "Designer", "Shared", 1])
    design = book.create_sheet("Design")
    design.append(["Competency", "D1"])
    design.append(["Craft", "Makes things"])
    sheet = book.create_sheet("People")
    sheet.append(["Email", "Name", "Manager email", "Family", "Level", "Start date"])
    for i in range(people):
        sheet.append([f"p{i}@{domain}", f"Person {i}", "", "Design", "D1", ""])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
