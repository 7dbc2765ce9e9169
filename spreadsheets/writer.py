"""Writing the Master Template: the blank template (with instructions and examples) and
exports of real frameworks and people, in the format `validator` reads back.

A family is written as a matrix sheet (competencies × levels) when that loses nothing;
families whose statements carry evidence, span several lines or start like a bullet go
to the long `Statements` sheet, which keeps every detail. Text that a spreadsheet would
run as a formula (starting with = + - @) is written as a text cell with Excel's
"quote prefix", so no spreadsheet program evaluates it.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from frameworks.library import load_template
from frameworks.models import EvidenceKind, Track
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from spreadsheets.reader import normalize_name
from spreadsheets.validator import (
    BULLET,
    FAMILIES,
    FORMULA_START,
    INSTRUCTIONS,
    LEVELS,
    PEOPLE,
    STATEMENTS,
    PersonOut,
    sheet_owners,
    sheet_title,
)

HEADER_FILL = PatternFill("solid", fgColor="2B50C8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16)
H2_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
TRACK_LABEL = dict(Track.choices)
EVIDENCE_LABEL = dict(EvidenceKind.choices)
LIST_ROWS = 2000  # how far down the drop-downs reach


def clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def put(ws: Worksheet, row: int, col: int, value: Any, *, wrap: bool = False) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = clean(value)
        cell.value = value
        if value.startswith(FORMULA_START):
            cell.data_type = "s"  # a text cell, never a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        cell.value = value
    cell.alignment = WRAP if wrap else TOP


def header(
    ws: Worksheet, labels: list[str], widths: list[int], *, freeze: str = "A2", row: int = 1
) -> None:
    for col, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        put(ws, row, col, label)
        cell = ws.cell(row=row, column=col)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = 22
    ws.freeze_panes = freeze


def matrix_safe(family: FamilyData) -> bool:
    for comp in family.competencies:
        for items in comp.statements.values():
            for st in items:
                t = clean(st.text)
                if st.evidence or "\n" in t or t != t.strip() or not t or BULLET.match(t):
                    return False
    return True


def family_validation(ws: Worksheet, column: str) -> None:
    dv = DataValidation(
        type="list",
        formula1=f"{FAMILIES}!$A$2:$A${LIST_ROWS}",  # no "=" inside the file
        allow_blank=True,
        showErrorMessage=False,
        promptTitle="Job family",
        prompt="Choose a family from the Families sheet.",
        showInputMessage=True,
    )
    ws.add_data_validation(dv)
    dv.add(f"{column}2:{column}{LIST_ROWS}")


def build_workbook(
    families: list[FamilyData],
    people: list[PersonOut] | None,
    *,
    heading: str = "Career framework export",
    blank: bool = False,
) -> bytes:
    book = Workbook()
    intro = book.active
    assert intro is not None
    intro.title = INSTRUCTIONS
    _instructions(intro, heading=heading, blank=blank)
    _families(book.create_sheet(FAMILIES), families)
    _levels(book.create_sheet(LEVELS), families)
    owners = sheet_owners([f.name for f in families], [f.key for f in families])
    long_form: list[FamilyData] = []
    for i, family in enumerate(families):
        title = sheet_title(family.name)
        if owners.get(normalize_name(title)) == i and matrix_safe(family) and family.levels:
            _matrix(book.create_sheet(title), family)
        else:
            long_form.append(family)
    _statements(book.create_sheet(STATEMENTS), long_form)
    if people is not None:
        _people(book.create_sheet(PEOPLE), people)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(ws: Worksheet, *, heading: str, blank: bool) -> None:
    ws.column_dimensions["A"].width = 110
    ws.sheet_view.showGridLines = False
    lines: list[tuple[str, Font | None]] = [
        ("Career Ladder Builder — Master Template", TITLE_FONT),
        (heading, None),
        ("", None),
        ("How to use this workbook", H2_FONT),
        (
            "1. Fill in the Families, Levels and People sheets, and the competency "
            "statements (see below). The example rows show the format: replace them with "
            "your own."
            if blank
            else "1. Change what you need in the sheets below. Keep the column headings.",
            None,
        ),
        (
            "2. In Career Ladder Builder, go to Import & export and upload the file. "
            "Nothing changes until you have seen a preview of every change and confirmed it.",
            None,
        ),
        (
            "3. Each job family in the file becomes a new draft. Review the draft, then "
            "publish it when you are ready.",
            None,
        ),
        ("", None),
        ("The sheets", H2_FONT),
        ("Families — one row per job family. Key (optional) is a short code for the family.", None),
        (
            "Levels — one row per level. Track is Shared, IC or Manager: Shared levels are the "
            "trunk below the split; IC and Manager levels continue above it. Rank is a whole "
            "number; higher is more senior. An IC and a Manager level may share a rank.",
            None,
        ),
        (
            "A sheet named like a family (the matrix) — one row per competency, one column per "
            "level (headed by the level's code or title). Put one statement per line in a "
            "cell; bullets are removed. An empty cell means nothing new is expected at that "
            "level.",
            None,
        ),
        (
            "Statements — the same content as a long list: one row per statement, with "
            "optional Evidence (kinds separated by semicolons: "
            + "; ".join(EVIDENCE_LABEL.values())
            + "). Use either a matrix sheet or this sheet for a family, not both. Families "
            "whose statements carry evidence or span several lines are exported here.",
            None,
        ),
        (
            "People (optional) — one row per person. Manager email must be a person on this "
            "sheet or already in Career Ladder Builder. Start date like 2024-03-01.",
            None,
        ),
        ("", None),
        ("Good to know", H2_FONT),
        ("Headings and sheet names may use any capitalisation.", None),
        ("Sheets and columns the import does not know are ignored (it tells you which).", None),
        (
            "Formulas are never calculated: a cell is imported as the text you see in the "
            "formula bar.",
            None,
        ),
        (
            "If anything is wrong, the import lists every problem with its sheet, row and "
            "column, and changes nothing.",
            None,
        ),
    ]
    for row, (line, font) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1)
        put(ws, row, 1, line, wrap=True)
        if font is not None:
            cell.font = font


def _families(ws: Worksheet, families: list[FamilyData]) -> None:
    header(ws, ["Family", "Key", "Description"], [34, 26, 80])
    for row, family in enumerate(families, start=2):
        put(ws, row, 1, family.name)
        put(ws, row, 2, family.key)
        put(ws, row, 3, family.description, wrap=True)


def _levels(ws: Worksheet, families: list[FamilyData]) -> None:
    header(
        ws,
        ["Family", "Code", "Title", "Track", "Rank", "Scope", "Summary", "Key question"],
        [28, 10, 30, 12, 8, 18, 60, 50],
        freeze="C2",
    )
    row = 2
    for family in families:
        for lv in family.levels:
            put(ws, row, 1, family.name)
            put(ws, row, 2, lv.code)
            put(ws, row, 3, lv.title)
            put(ws, row, 4, TRACK_LABEL.get(lv.track, lv.track))
            put(ws, row, 5, lv.rank)
            put(ws, row, 6, lv.scope)
            put(ws, row, 7, lv.summary, wrap=True)
            put(ws, row, 8, lv.key_question, wrap=True)
            row += 1
    track = DataValidation(
        type="list",
        formula1='"Shared,IC,Manager"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Track",
        error="Choose Shared, IC or Manager.",
        promptTitle="Track",
        prompt="Shared (the trunk), IC or Manager.",
        showInputMessage=True,
    )
    ws.add_data_validation(track)
    track.add(f"D2:D{LIST_ROWS}")
    rank = DataValidation(
        type="whole",
        operator="between",
        formula1="-1000",
        formula2="1000",
        showErrorMessage=True,
        errorTitle="Rank",
        error="Rank is a whole number; higher is more senior.",
    )
    ws.add_data_validation(rank)
    rank.add(f"E2:E{LIST_ROWS}")
    family_validation(ws, "A")


def _matrix(ws: Worksheet, family: FamilyData) -> None:
    levels = family.levels
    # a row above the headings names each level and its track (the import skips it)
    put(ws, 1, 1, f"{family.name}: one row per competency, one statement per line")
    ws.cell(row=1, column=1).font = Font(bold=True)
    for col, lv in enumerate(levels, start=5):
        put(ws, 1, col, f"{lv.title} · {TRACK_LABEL.get(lv.track, lv.track)}", wrap=True)
        ws.cell(row=1, column=col).font = Font(italic=True, color="545B66")
    labels = ["Competency", "Category", "Description", "Source"] + [lv.code for lv in levels]
    header(ws, labels, [30, 18, 36, 12] + [36] * len(levels), freeze="B3", row=2)
    for row, comp in enumerate(family.competencies, start=3):
        put(ws, row, 1, comp.name, wrap=True)
        ws.cell(row=row, column=1).font = Font(bold=True)
        put(ws, row, 2, comp.category)
        put(ws, row, 3, comp.description, wrap=True)
        put(ws, row, 4, comp.source)
        for col, lv in enumerate(levels, start=5):
            items = comp.statements.get(lv.code, [])
            if items:
                put(ws, row, col, "\n".join(clean(st.text) for st in items), wrap=True)


def _statements(ws: Worksheet, families: list[FamilyData]) -> None:
    header(
        ws,
        [
            "Family",
            "Competency",
            "Category",
            "Level",
            "Statement",
            "Evidence",
            "Description",
            "Source",
        ],
        [24, 28, 18, 10, 70, 30, 36, 12],
        freeze="C2",
    )
    row = 2
    for family in families:
        for comp in family.competencies:
            row = _comp_rows(ws, row, family, comp)
    family_validation(ws, "A")


def _comp_rows(ws: Worksheet, row: int, family: FamilyData, comp: CompetencyData) -> int:
    items: list[tuple[LevelData | None, StatementData | None]] = [
        (lv, st) for lv in family.levels for st in comp.statements.get(lv.code, [])
    ]
    if not items:
        items = [(None, None)]  # a competency with no statements yet still gets a row
    for i, (lv, st) in enumerate(items):
        put(ws, row, 1, family.name)
        put(ws, row, 2, comp.name)
        put(ws, row, 3, comp.category)
        put(ws, row, 4, lv.code if lv else "")
        put(ws, row, 5, st.text if st else "", wrap=True)
        put(ws, row, 6, "; ".join(EVIDENCE_LABEL.get(k, k) for k in st.evidence) if st else "")
        if i == 0:
            put(ws, row, 7, comp.description, wrap=True)
            put(ws, row, 8, comp.source)
        row += 1
    return row


def _people(ws: Worksheet, people: list[PersonOut]) -> None:
    header(
        ws,
        ["Email", "Name", "Manager email", "Family", "Level", "Start date"],
        [34, 28, 34, 28, 10, 14],
        freeze="C2",
    )
    for row, p in enumerate(people, start=2):
        put(ws, row, 1, p.email)
        put(ws, row, 2, p.name)
        put(ws, row, 3, p.manager_email)
        put(ws, row, 4, p.family)
        put(ws, row, 5, p.level)
        if p.start_date:
            put(ws, row, 6, p.start_date)
            ws.cell(row=row, column=6).number_format = "yyyy-mm-dd"
    family_validation(ws, "D")


# --- the blank template ------------------------------------------------------------------


EXAMPLE_TEMPLATE = "product-management"
# how many of the template's competencies the blank template shows as example rows
EXAMPLE_COMPETENCIES = 3


def example_family() -> FamilyData:
    """The blank template's example: the built-in Product Management template's ladder
    (every level, scope and key question as the template has them) with its first few
    competencies, so the example and the template are the same ladder."""
    data = load_template(EXAMPLE_TEMPLATE)
    data.competencies = data.competencies[:EXAMPLE_COMPETENCIES]
    # without evidence kinds the example fits the matrix sheet, the simpler shape to
    # fill in (the Statements sheet's Evidence column is explained on Instructions)
    for comp in data.competencies:
        for items in comp.statements.values():
            for st in items:
                st.evidence = []
    data.description = "Example family: replace it with your own."
    return data


def example_people() -> list[PersonOut]:
    """A manager and a report on levels of the example ladder."""
    return [
        PersonOut(
            "dana.director@example.com",
            "Dana Director",
            "",
            "Product Management",
            "DIR",
            dt.date(2019, 4, 1),
        ),
        PersonOut(
            "sam.senior@example.com",
            "Sam Senior",
            "dana.director@example.com",
            "Product Management",
            "SPM",
            dt.date(2022, 9, 12),
        ),
    ]


def blank_template() -> bytes:
    return build_workbook(
        [example_family()],
        example_people(),
        heading="A blank Master Template with example rows.",
        blank=True,
    )
