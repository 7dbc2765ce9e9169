"""Build the test workbooks: public career frameworks converted to the Master Template
(both shapes), and a corpus of malformed files.

Run directly to (re)write them into tests/data/xlsx/:

    .venv/bin/python tests/data/build_workbooks.py

The tests call `build_public()` / `build_malformed()` into a temporary folder, so the
files always match this script. The public frameworks come from
/work/shared/data/ladders (see SOURCES.md there for licences); set LADDERS_DIR to
point elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

LADDERS = Path(os.environ.get("LADDERS_DIR", "/work/shared/data/ladders"))
HERE = Path(__file__).resolve().parent
XLSX_DIR = HERE / "xlsx"
WRAP = Alignment(wrap_text=True, vertical="top")


def _save(book: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Any:
    ws = book.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    return ws


def _family_sheet(book: Workbook, name: str, key: str, description: str) -> None:
    """The Families sheet of a workbook with one family."""
    _sheet(book, "Families", ["Family", "Key", "Description"], [[name, key, description]])


def _new_book() -> Workbook:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    return book


# --- Dropbox: nine job families, one matrix sheet each, and a People sheet -------------------


def dropbox_rows() -> list[dict[str, str]]:
    """The behaviours; a few rows of the source hold a sentence where the competency name
    belongs: those are filed under "<area> practices", as an HR person tidying it would."""
    with open(LADDERS / "dropbox-career-framework" / "dropbox-behaviors.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if len(r["competency"]) > 80:
            r["competency"] = f"{r['area']} practices"
    return rows


def build_dropbox(out: Path) -> Path:
    rows = dropbox_rows()
    tracks = list(dict.fromkeys(r["track"] for r in rows))
    book = _new_book()
    notes = book.create_sheet("Read me")
    notes["A1"] = "Converted from dropbox/dbx-career-framework (Apache-2.0, © 2021 Dropbox, Inc.)"
    _sheet(
        book,
        "FAMILIES",  # sheet names are matched in any case
        ["family", "KEY", "Description"],
        [[t, "", f"Dropbox {t} career framework"] for t in tracks],
    )
    levels = []
    for t in tracks:
        seen = dict.fromkeys((r["level"], r["title"]) for r in rows if r["track"] == t)
        for code, title in seen:
            rank = int(code[-1])
            levels.append([t, code, title, "manager" if code.startswith("M") else "IC", rank])
    _sheet(book, "Levels", ["Family", "Code", "Title", "Track", "Rank"], levels)
    for t in tracks:
        mine = [r for r in rows if r["track"] == t]
        codes = list(dict.fromkeys(r["level"] for r in mine))
        comps: dict[str, dict[str, list[str]]] = {}
        areas: dict[str, str] = {}
        for r in mine:
            comps.setdefault(r["competency"], {}).setdefault(r["level"], []).append(r["statement"])
            areas[r["competency"]] = r["area"]
        ws = book.create_sheet(t[:31])  # Excel's limit: long names are cut to 31 characters
        ws.append(["Competency", "category", *codes, "Notes"])
        for name, per_level in comps.items():
            cells = ["\n".join(f"• {s}" for s in per_level.get(c, [])) or None for c in codes]
            ws.append([name, areas[name], *cells, None])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = WRAP
        ws.cell(row=ws.max_row + 40, column=len(codes) + 6).font = Font(bold=True)  # styled blank
    people = []
    base = dt.date(2018, 1, 1)
    for i in range(60):
        t = tracks[i % len(tracks)]
        level = next(lv for lv in levels if lv[0] == t)[1]
        email = f"Person{i:02d}@Example.COM" if i % 3 == 0 else f"person{i:02d}@example.com"
        manager = "" if i < 5 else f"person{(i // 5) - 1:02d}@example.com"
        start: Any = base + dt.timedelta(days=37 * i)
        if i % 2:  # half the dates as spreadsheet serial numbers
            start = (start - dt.date(1899, 12, 30)).days
        people.append(
            [
                email,
                f"Person {i:02d} Ünïcødé",
                manager.upper() if i % 7 == 0 else manager,
                t,
                level,
                start,
            ]
        )
    _sheet(
        book, "People", ["E-mail", "Name", "Manager email", "Family", "Level", "Start date"], people
    )
    return _save(book, out)


# --- Monzo Product: the long Statements sheet, levels referred to by code or title ------------


def monzo_topics() -> list[tuple[str, dict[int, list[str]]]]:
    text = (LADDERS / "monzo-progression-framework" / "frameworks" / "product.md").read_text()
    topics: list[tuple[str, dict[int, list[str]]]] = []
    level = 0
    for line in text.splitlines():
        if m := re.match(r'^\s+title: "(.*)"\s*$', line):
            topics.append((json.loads(f'"{m.group(1)}"'), {}))
        elif m := re.match(r"^\s+- level: (\d+)", line):
            level = int(m.group(1))
        elif (m := re.match(r'^\s+- "(.*)"\s*$', line)) and topics:
            topics[-1][1].setdefault(level, []).append(json.loads(f'"{m.group(1)}"'))
    return topics


def build_monzo(out: Path) -> Path:
    topics = monzo_topics()
    book = _new_book()
    about = "Monzo's product progression framework (MIT)"
    _family_sheet(book, "Product (Monzo)", "monzo-product", about)
    titles = {
        1: "Associate Product Manager",
        2: "Product Manager",
        3: "Senior Product Manager",
        4: "Lead Product Manager",
    }
    _sheet(
        book,
        "Levels",
        ["Family", "Code", "Title", "Track", "Rank", "Scope"],
        [["Product (Monzo)", f"L{n}", t, "Shared", n, ""] for n, t in titles.items()],
    )
    rows = []
    for title, per_level in topics:
        for n, statements in sorted(per_level.items()):
            for s in statements:
                level = titles[n].upper() if n % 2 else f"l{n}"  # title or code, any case
                evidence = "Written artifact; 360 input" if n == 4 else ""
                rows.append(["Product (Monzo)", title, "Product craft", level, s, evidence])
    ws = _sheet(
        book,
        "Statements",
        ["Family", "Competency", "Category", "Level", "Statement", "Evidence"],
        rows,
    )
    for _ in range(3):
        ws.append([None] * 6)  # trailing blank rows
    return _save(book, out)


# --- Medium Snowflake: merged category cells, a title row, headers by level title -------------

SNOWFLAKE_LEVELS = [
    ("E1", "Engineer I", "Shared", 1),
    ("E2", "Engineer II", "Shared", 2),
    ("E3", "Senior Engineer", "Shared", 3),
    ("E4", "Staff Engineer", "IC", 4),
    ("E5", "Principal Engineer", "IC", 5),
]
SNOWFLAKE_CATEGORIES = {"A": "Building", "B": "Executing", "C": "Supporting", "D": "Strengthening"}


def snowflake_tracks() -> dict[str, Any]:
    data = json.loads((LADDERS / "medium-snowflake" / "snowflake-tracks.json").read_text())
    return data["tracks"]


def build_snowflake(out: Path) -> Path:
    tracks = snowflake_tracks()
    book = _new_book()
    _sheet(book, "Families", ["Family"], [["Engineering (Medium)"]])
    _sheet(
        book,
        "Levels",
        ["Family", "Code", "Title", "Track", "Rank"],
        [["Engineering (Medium)", *lv] for lv in SNOWFLAKE_LEVELS],
    )
    ws = book.create_sheet("engineering (medium)")
    ws["A1"] = "Medium's Snowflake growth framework (Apache-2.0, © 2017 A Medium Corporation)"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws.append(["Category", "Competency", "Description", *[lv[1] for lv in SNOWFLAKE_LEVELS]])
    by_category: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for key, track in tracks.items():
        by_category[track["category"]].append((key, track))
    row = 3
    for letter, items in sorted(by_category.items()):
        first = row
        for i, (_key, track) in enumerate(items):
            ws.cell(row=row, column=1, value=SNOWFLAKE_CATEGORIES[letter] if i == 0 else None)
            ws.cell(row=row, column=2, value=track["displayName"])
            ws.cell(row=row, column=3, value=track["description"])
            for col, milestone in enumerate(track["milestones"], start=4):
                lines = [milestone["summary"], *[f"- {s}" for s in milestone["signals"]]]
                ws.cell(row=row, column=col, value="\n".join(lines)).alignment = WRAP
            row += 1
        ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    scratch = book.create_sheet("Scratch")
    scratch["A1"] = "=SUM(1,2)"
    return _save(book, out)


# --- jorgef: keyword competencies, "*" bullets, a formula-looking statement -------------------


def jorgef_levels() -> list[tuple[str, str, list[tuple[str, str]]]]:
    text = (LADDERS / "jorgef-engineeringladders" / "Developer.md").read_text()
    levels: list[tuple[str, str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if m := re.match(r"^## (D\d) - (.+)$", line):
            levels.append((m.group(1), m.group(2).strip(), []))
        elif (m := re.match(r"^\* \*\*(.+?)\*\*: (.+)$", line)) and levels:
            levels[-1][2].append((m.group(1), m.group(2).strip()))
    return levels


def build_jorgef(out: Path) -> Path:
    levels = jorgef_levels()
    book = _new_book()
    _sheet(book, "Families", ["Family", "Key"], [["Developer", "developer"]])
    _sheet(
        book,
        "Levels",
        ["Family", "Code", "Title", "Track", "Rank", "Summary"],
        [
            ["Developer", code, title, "Shared" if i < 3 else "IC", i + 1, ""]
            for i, (code, title, _) in enumerate(levels)
        ],
    )
    comps: dict[str, dict[str, list[str]]] = {}
    for code, _title, items in levels:
        for keyword, statement in items:
            comps.setdefault(keyword, {}).setdefault(code, []).append(statement)
    ws = book.create_sheet("Developer")
    ws.append(["Competency", *[code for code, _, _ in levels], None, None])
    for keyword, per in comps.items():
        ws.append(
            [keyword, *["\n".join(f"* {s}" for s in per.get(c, [])) or None for c, _, _ in levels]]
        )
    ws.append(["Formulas", "=1+1 is written as text", "@mention stays text"])
    return _save(book, out)


# --- Artsy: HTML tables in markdown; a shared trunk splitting into IC and Manager -----------

ARTSY_LEVELS = [  # code, title, track, rank (from the ladder's "Tracks" table)
    ("IC2", "Engineer 1", "Shared", 2),
    ("IC3", "Engineer 2", "Shared", 3),
    ("IC4", "Senior Engineer 1", "IC", 4),
    ("IC5", "Senior Engineer 2", "IC", 5),
    ("IC6", "Staff Engineer", "IC", 6),
    ("IC7", "Senior Staff Engineer", "IC", 7),
    ("IC8", "Principal Engineer", "IC", 8),
    ("M2", "Engineering Manager 1", "Manager", 4),
    ("M3", "Engineering Manager 2", "Manager", 5),
    ("M4", "Senior Engineering Manager", "Manager", 6),
    ("M5", "Director of Engineering", "Manager", 7),
    ("M6", "Senior Director of Engineering", "Manager", 8),
]


class _Tables(HTMLParser):
    """Rows of cells; a cell is its list items, or its text when it has none."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[list[str]]]] = []
        self.cell: list[str] | None = None
        self.text = ""
        self.in_li = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag == "td":
            self.cell, self.text = [], ""
        elif tag == "li":
            self.in_li, self.text = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.cell is not None:
            self.cell.append(" ".join(self.text.split()))
            self.in_li, self.text = False, ""
        elif tag == "td" and self.cell is not None:
            if not self.cell and self.text.strip():
                self.cell = [" ".join(self.text.split())]
            self.tables[-1][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.text += data


def artsy_statements() -> list[tuple[str, str, str, str]]:
    """(category, competency, level code, statement) in the order of the ladder."""
    text = (LADDERS / "artsy-engineering-ladder" / "ladder.md").read_text()
    by_title = {title: code for code, title, _, _ in ARTSY_LEVELS}
    out = []
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        heading = section.splitlines()[0].strip()
        parser = _Tables()
        parser.feed(section)
        for table in parser.tables:
            header = [c[0] if c else "" for c in table[0]]
            if heading == "Engineering Management Ladder":
                for row in table[1:]:
                    code = row[0][0]
                    for name, cell in zip(header[2:], row[2:], strict=True):
                        out.extend(("Management", name, code, s) for s in cell)
            else:
                for row in table[1:]:
                    name = row[0][0]
                    for title, cell in zip(header[1:], row[1:], strict=True):
                        out.extend((heading, name, by_title[title], s) for s in cell)
    return out


def build_artsy(out: Path) -> Path:
    book = _new_book()
    about = "Artsy's engineering ladder (CC BY 4.0)"
    _family_sheet(book, "Engineering (Artsy)", "artsy-engineering", about)
    _sheet(
        book,
        "Levels",
        ["Family", "Code", "Title", "Track", "Rank"],
        [["Engineering (Artsy)", *lv] for lv in ARTSY_LEVELS],
    )
    titles = {code: title for code, title, _, _ in ARTSY_LEVELS}
    rows = [
        ["Engineering (Artsy)", name, category, titles[code] if code.startswith("IC") else code, s]
        for category, name, code, s in artsy_statements()
    ]
    _sheet(book, "statements", ["Family", "Competency", "Category", "Level", "Statement"], rows)
    return _save(book, out)


def build_public(outdir: Path) -> dict[str, Path]:
    return {
        "dropbox": build_dropbox(outdir / "dropbox-matrix.xlsx"),
        "monzo": build_monzo(outdir / "monzo-product-long.xlsx"),
        "snowflake": build_snowflake(outdir / "snowflake-merged.xlsx"),
        "jorgef": build_jorgef(outdir / "jorgef-developer.xlsx"),
        "artsy": build_artsy(outdir / "artsy-engineering-long.xlsx"),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else XLSX_DIR
    for name, path in build_public(target).items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    sys.path.insert(0, str(HERE.parent.parent))  # run as a script: the repository's root
    from tests.data.malformed_workbooks import build_malformed

    for name, (path, _) in build_malformed(target / "malformed").items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
