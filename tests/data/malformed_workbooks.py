"""A corpus of malformed workbooks, each with the phrase its refusal must contain
(`MALFORMED`); `build_malformed()` writes them (tests/spreadsheets/test_corpus.py,
tests/spreadsheets/test_hostile.py, bench/hostile.py). `build_workbooks.py` writes them
to tests/data/xlsx/malformed/ beside the public frameworks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.data.build_workbooks import _new_book, _sheet


def _good_book() -> Workbook:
    book = _new_book()
    _sheet(book, "Families", ["Family", "Key", "Description"], [["Design", "", ""]])
    _sheet(
        book,
        "Levels",
        ["Family", "Code", "Title", "Track", "Rank"],
        [
            ["Design", "D1", "Designer", "Shared", 1],
            ["Design", "D2", "Senior Designer", "Shared", 2],
        ],
    )
    _sheet(book, "Design", ["Competency", "D1", "D2"], [["Craft", "Makes things", "Leads"]])
    return book


def _bytes(book: Workbook) -> bytes:
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _edit(mutate: Any) -> bytes:
    book = _good_book()
    mutate(book)
    return _bytes(book)


def _set(sheet: str, cell: str, value: Any) -> Any:
    def mutate(book: Workbook) -> None:
        book[sheet][cell] = value

    return mutate


def _append(sheet: str, row: list[Any]) -> Any:
    def mutate(book: Workbook) -> None:
        book[sheet].append(row)

    return mutate


def _rezip(data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, (replace or {}).get(item.filename, src.read(item.filename)))
        for name, content in extra.items():
            dst.writestr(name, content)
    return buf.getvalue()


def _many_sheets() -> bytes:
    book = _good_book()
    for i in range(60):
        book.create_sheet(f"Notes {i}")
    return _bytes(book)


def _many_rows() -> bytes:
    book = _good_book()
    ws = book.create_sheet("Log")
    for i in range(20_100):
        ws.append([i])
    return _bytes(book)


def _bomb() -> bytes:
    good = _bytes(_good_book())
    return _rezip(good, {"xl/media/padding.bin": b"\0" * (40 * 1024 * 1024)})


def _xlsm() -> bytes:
    good = _bytes(_good_book())
    src = zipfile.ZipFile(io.BytesIO(good))
    types = src.read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return _rezip(
        good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0fake macro"}, {"[Content_Types].xml": types}
    )


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _remove(sheet: str) -> Any:
    def mutate(book: Workbook) -> None:
        book.remove(book[sheet])

    return mutate


def _statements_sheet(rows: list[list[Any]]) -> Any:
    def mutate(book: Workbook) -> None:
        _sheet(book, "Statements", ["Family", "Competency", "Level", "Statement"], rows)

    return mutate


def _people(rows: list[list[Any]]) -> Any:
    def mutate(book: Workbook) -> None:
        _sheet(
            book,
            "People",
            ["Email", "Name", "Manager email", "Family", "Level", "Start date"],
            rows,
        )

    return mutate


def _in_sheet(xml: bytes, part: str = "xl/worksheets/sheet2.xml") -> bytes:
    """A real workbook whose sheet XML gets `xml` right after its cells (where Excel keeps
    merges, hyperlinks, validations and the like)."""
    good = _bytes(_good_book())
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(part)
    return _rezip(good, {}, {part: sheet.replace(b"</sheetData>", b"</sheetData>" + xml, 1)})


def _merge(ref: str) -> bytes:
    return _in_sheet(f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode())


def _hyperlink(ref: str) -> bytes:
    return _in_sheet(
        f'<hyperlinks><hyperlink ref="{ref}" location="\'Levels\'!A1" '
        'display="see &gt; here"/></hyperlinks>'.encode()
    )


def _many_merges() -> bytes:
    """Many small merges that only add up to a lot."""
    merges = "".join(f'<mergeCell ref="H{r}:Z{r}"/>' for r in range(1, 4001))
    return _in_sheet(f'<mergeCells count="4000">{merges}</mergeCells>'.encode())


def _far_row() -> bytes:
    """One value in Excel's very last row: every row above it would be read as empty."""
    row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    good = _bytes(_good_book())
    part = "xl/worksheets/sheet2.xml"
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(part)
    return _rezip(good, {}, {part: sheet.replace(b"</sheetData>", row + b"</sheetData>", 1)})


def _many_cells() -> bytes:
    """Few rows, but hundreds of thousands of (empty, styled) cells in them."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, 16385)]
    rows = b"".join(
        f'<row r="{r}">'.encode()
        + "".join(f'<c r="{col}{r}" s="0"/>' for col in letters).encode()
        + b"</row>"
        for r in range(10, 50)
    )
    good = _bytes(_good_book())
    part = "xl/worksheets/sheet2.xml"
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(part)
    return _rezip(good, {}, {part: sheet.replace(b"</sheetData>", rows + b"</sheetData>", 1)})


def _moved_sheet() -> bytes:
    """The sheet's XML lives outside xl/worksheets/ (the workbook's links say where), and
    merges a whole column there."""
    good = _merge("B1:B1048576")
    src = zipfile.ZipFile(io.BytesIO(good))
    rels = src.read("xl/_rels/workbook.xml.rels").replace(
        b"worksheets/sheet2.xml", b"extra/part.xml"
    )
    types = src.read("[Content_Types].xml").replace(
        b"/xl/worksheets/sheet2.xml", b"/xl/extra/part.xml"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            name = item.filename
            if name == "xl/worksheets/sheet2.xml":
                name = "xl/extra/part.xml"
            elif name == "xl/_rels/workbook.xml.rels":
                content = rels
            elif name == "[Content_Types].xml":
                content = types
            dst.writestr(name, content)
    return buf.getvalue()


# name -> (file name, builder, a phrase the first message must contain)
MALFORMED: dict[str, tuple[str, Any, str]] = {
    "empty": ("empty.xlsx", lambda: b"", "empty"),
    "not_a_zip": (
        "not-a-zip.xlsx",
        lambda: b"This is not a workbook at all.\x00\x01",
        "not an Excel",
    ),
    "csv_renamed": ("people.xlsx", lambda: b"Email,Name\nann@example.com,Ann\n", "CSV"),
    "truncated": ("truncated.xlsx", lambda: _bytes(_good_book())[:1500], "damaged"),
    "xls": ("old.xls", lambda: OLE + b"\x00" * 4000 + "Workbook".encode("utf-16-le"), ".xls"),
    "encrypted": (
        "locked.xlsx",
        lambda: OLE + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512,
        "password",
    ),
    "xlsm": ("macros.xlsm", _xlsm, "macros"),
    "zip_bomb": ("bomb.xlsx", _bomb, "expand"),
    "docx": ("letter.docx", lambda: _docx(), "not an Excel workbook"),
    "too_many_sheets": ("sheets.xlsx", _many_sheets, "sheets"),
    "xml_entities_workbook": (
        "lol.xlsx",
        lambda: _entities("xl/workbook.xml"),
        "could not be read",
    ),
    "xml_entities_strings": (
        "lol-strings.xlsx",
        lambda: _entities("xl/worksheets/sheet1.xml"),
        "could not be read",
    ),
    "too_many_rows": ("rows.xlsx", _many_rows, "rows"),
    "merge_column": ("merge-column.xlsx", lambda: _merge("A1:A1048576"), "merge"),
    "merge_whole_sheet": ("merge-sheet.xlsx", lambda: _merge("A1:XFD1048576"), "merge"),
    "merge_escaped": ("merge-escaped.xlsx", lambda: _merge("A1&#58;XFD1048576"), "merge"),
    "merge_columns_only": ("merge-cols.xlsx", lambda: _merge("A:C"), "merge"),
    "many_merges": ("many-merges.xlsx", _many_merges, "merge"),
    "hyperlink_range": ("link-range.xlsx", lambda: _hyperlink("A1:A100000"), "link"),
    "hyperlink_whole_sheet": ("link-sheet.xlsx", lambda: _hyperlink("1:1048576"), "link"),
    "moved_sheet_merge": ("moved-sheet.xlsx", _moved_sheet, "merge"),
    "far_row": ("far-row.xlsx", _far_row, "row 1,048,576"),
    "many_cells": ("many-cells.xlsx", _many_cells, "cells"),
    "missing_families": ("no-families.xlsx", lambda: _edit(_remove("Families")), "Families"),
    "missing_columns": ("no-track.xlsx", lambda: _edit(_set("Levels", "D1", "Ladder")), "Track"),
    "duplicate_family": (
        "dup-family.xlsx",
        lambda: _edit(_append("Families", ["design"])),
        "listed twice",
    ),
    "duplicate_level": (
        "dup-level.xlsx",
        lambda: _edit(_append("Levels", ["Design", "d1", "Lead Designer", "IC", 3])),
        "already has a level",
    ),
    "bad_track": (
        "bad-track.xlsx",
        lambda: _edit(_set("Levels", "D3", "Principal")),
        "Shared, IC or Manager",
    ),
    "bad_rank": ("bad-rank.xlsx", lambda: _edit(_set("Levels", "E3", "two")), "whole number"),
    "shared_above_split": (
        "split.xlsx",
        lambda: _edit(_append("Levels", ["Design", "D0", "Design Lead", "IC", 2])),
        "not below",
    ),
    "long_description": (
        "long-description.xlsx",
        lambda: _edit(_set("Families", "C2", "A pasted handbook. " * 500)),
        "at most 2,000 fit",
    ),
    "crowded_cell": (
        "crowded-cell.xlsx",
        lambda: _edit(_set("Design", "B2", "\n".join(f"Does thing {n}." for n in range(400)))),
        "at most 20 fit",
    ),
    "crowded_long_sheet": (
        "crowded-long.xlsx",
        lambda: _edit(
            _statements_sheet([["Design", "Craft", "D1", f"Does thing {n}."] for n in range(30)])
        ),
        "at most 20 fit",
    ),
    "repeated_statement": (
        "repeated-statement.xlsx",
        lambda: _edit(
            _set("Design", "B2", "Ships work that is tested.\n• Ships work that is  tested")
        ),
        "is in this cell twice",
    ),
    "repeated_long_row": (
        "repeated-long.xlsx",
        lambda: _edit(_statements_sheet([["Design", "Craft", "D1", "Does the thing."]] * 2)),
        "is in this cell twice",
    ),
    "long_statement": (
        "long-statement.xlsx",
        lambda: _edit(_set("Design", "C2", "Leads " + "and keeps leading " * 60)),
        "at most 600 fit",
    ),
    "unknown_level": (
        "unknown-level.xlsx",
        lambda: _edit(_statements_sheet([["Design", "Craft", "D9", "Does it all"]])),
        "not a level of Design",
    ),
    "disagree": (
        "disagree.xlsx",
        lambda: _edit(
            _statements_sheet(
                [
                    ["Design", "Craft", "D1", "Makes things"],
                    ["Design", "Craft", "D2", "Leads others"],
                ]
            )
        ),
        "disagree",
    ),
    "unknown_manager": (
        "manager.xlsx",
        lambda: _edit(
            _people([["ann@example.com", "Ann", "zed@example.com", "Design", "D1", "2024-01-02"]])
        ),
        "not on this sheet",
    ),
    "bad_email": (
        "email.xlsx",
        lambda: _edit(_people([["ann(at)example.com", "Ann", "", "Design", "D1", ""]])),
        "not an e-mail",
    ),
    "bad_date": (
        "date.xlsx",
        lambda: _edit(_people([["ann@example.com", "Ann", "", "Design", "D1", "next spring"]])),
        "not a date",
    ),
    "people_level": (
        "people-level.xlsx",
        lambda: _edit(_people([["ann@example.com", "Ann", "", "Design", "D7", ""]])),
        "not a level of Design",
    ),
    "people_family": (
        "people-family.xlsx",
        lambda: _edit(_people([["ann@example.com", "Ann", "", "Legal", "L1", ""]])),
        "not a family",
    ),
    "manager_loop": (
        "loop.xlsx",
        lambda: _edit(
            _people(
                [
                    ["ann@example.com", "Ann", "bob@example.com", "Design", "D1", ""],
                    ["bob@example.com", "Bob", "ann@example.com", "Design", "D2", ""],
                ]
            )
        ),
        "loop",
    ),
}


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _entities(part: str) -> bytes:
    """A "billion laughs" entity bomb inside one XML part of a real workbook."""
    good = _bytes(_good_book())
    original = zipfile.ZipFile(io.BytesIO(good)).read(part)
    body = original.split(b"?>", 1)[-1] if original.startswith(b"<?xml") else original
    return _rezip(good, {}, {part: LAUGHS + body.replace(b"Design", b"&lol3;", 1)})


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<w:document/>")
    return buf.getvalue()


def build_malformed(outdir: Path) -> dict[str, tuple[Path, str]]:
    outdir.mkdir(parents=True, exist_ok=True)
    out = {}
    for key, (filename, make, phrase) in MALFORMED.items():
        path = outdir / filename
        path.write_bytes(make())
        out[key] = (path, phrase)
    return out
