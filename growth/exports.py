"""The heatmap as CSV and xlsx. Text that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is written as text: in CSV with a leading
apostrophe, in xlsx as a text cell with Excel's quote prefix (`spreadsheets.writer.put`).
openpyxl is imported only when a workbook is written (not by the web process's start)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from growth.selectors import Heatmap
from spreadsheets.validator import FORMULA_START


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _rows(heat: Heatmap) -> tuple[list[str], list[list[Any]]]:
    label = {"person": "Person", "team": "Team", "level": "Level", "family": "Job family"}
    head = [label[heat.group_by], "Details", *[f"{c.name} (gap)" for c in heat.columns]]
    heat.fill()
    rows = [[r.label, r.detail, *[c.gap for c in r.cells]] for r in heat.rows]
    return head, rows


def heatmap_csv(heat: Heatmap) -> str:
    head, rows = _rows(heat)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_text(h) for h in head])
    for row in rows:
        writer.writerow(
            [
                ("" if v is None else str(v)) if isinstance(v, Decimal | type(None)) else _text(v)
                for v in row
            ]
        )
    return out.getvalue()


def heatmap_xlsx(heat: Heatmap) -> bytes:
    from openpyxl import Workbook

    from spreadsheets.writer import header, put

    head, rows = _rows(heat)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Gaps"
    header(ws, head, [28, 36, *[16] * (len(head) - 2)], freeze="C2")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, float(value) if isinstance(value, Decimal) else value)
    notes = wb.create_sheet("About")
    lines = [
        f"Review cycle: {heat.cycle.name}",
        f"Expected rating (meets the level): {heat.expected}",
        "Each number is the gap: the expected rating minus the final rating.",
        "Above 0 is a shortfall; below 0 is above the level; empty is not rated.",
    ]
    for n, line in enumerate(lines, start=1):
        put(notes, n, 1, line)
    notes.column_dimensions["A"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
