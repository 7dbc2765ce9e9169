"""Checks an uploaded file before any spreadsheet library parses it.

Everything here reads the zip directory and streams XML parts, so a hostile file (a zip
bomb, a million empty rows, a password-protected or macro workbook) is refused in
milliseconds with a message an HR person can act on, never a server error.

Every part of the archive is streamed (a sheet's XML can live anywhere the workbook's
links say, not only in xl/worksheets/), and the work a reader would do for it is
bounded before any parser sees it: rows, cells, and the cells that ranges in the XML
ask a reader to expand (a merge or a hyperlink over `A1:A1048576` makes openpyxl build a
million cells from a 5 KB file). Ranges a reader keeps as text (validations, conditional
formats, the dimension, filters, selections) cost nothing and are not counted.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from defusedxml import ElementTree
from django.conf import settings

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
MAX_MEMBERS = 2000
MAX_RATIO = 200  # a member may expand at most this much (real sheets compress ~10-30x)
# the elements whose count or ranges a reader turns into work: rows, cells, and the
# ranges openpyxl expands cell by cell (merges and hyperlinks)
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
RANGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(mergeCell|hyperlink)(?=[\s>/])")
EXPANDED = {b"mergeCell": "merge", b"hyperlink": "link"}
# one attribute at a time from a tag's start; attribute values may hold ">" but never "<"
ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CHUNK = 1 << 16
MAX_TAG = 1 << 20  # no tag or run of text in a real workbook comes near 1 MB
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


class RefusedFile(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


@dataclass
class FileFacts:
    sheets: int
    rows: int
    uncompressed: int
    cells: int = 0
    expanded: int = 0  # cells that merges and hyperlink ranges cover


@dataclass
class _Scan:
    """What streaming the archive's parts found so far, against the limits."""

    rows: int = 0
    cells: int = 0
    expanded: int = 0
    example: str = ""  # the biggest range seen, to name in the message
    example_area: int = 0
    kinds: set[str] = field(default_factory=set)  # "merge", "link"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def check_workbook_bytes(data: bytes, *, name: str = "") -> FileFacts:
    """Refuse anything that is not a plain, reasonably sized .xlsx workbook."""
    if not data:
        raise RefusedFile("The file is empty. Choose the workbook again and upload it.")
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise RefusedFile(
            f"The file is {_mb(len(data))}, which is more than the {_mb(limit)} limit. "
            "Remove unused sheets or images and try again."
        )
    if data.startswith(OLE_SIGNATURE):
        if any(marker in data for marker in ENCRYPTION_MARKERS):
            raise RefusedFile(
                "The workbook is protected with a password, so it cannot be read. Open it in "
                "Excel, remove the password (File › Info › Protect Workbook), save it and "
                "upload it again."
            )
        raise RefusedFile(
            "This is an old-style Excel 97–2003 file (.xls). Open it in Excel or Google "
            "Sheets, save it as an Excel Workbook (.xlsx) and upload that."
        )
    if not data.startswith(b"PK"):
        looks_text = b"\x00" not in data[:2048] and (b"," in data[:2048] or b";" in data[:2048])
        hint = (
            "It looks like a CSV or text file. "
            if looks_text or name.lower().endswith((".csv", ".txt"))
            else ""
        )
        raise RefusedFile(
            f"This file is not an Excel workbook (.xlsx). {hint}Download the Master Template, "
            "fill it in and upload it as .xlsx."
        )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RefusedFile(
            "The file is damaged or incomplete, so it cannot be opened. Open it in Excel, "
            "save it again as an Excel Workbook (.xlsx) and upload it."
        ) from exc
    with archive:
        return _check_members(archive, members)


def _check_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> FileFacts:
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS:
        raise RefusedFile(
            "The workbook has an unusually large number of parts and cannot be imported."
        )
    total = sum(m.file_size for m in members)
    cap = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise RefusedFile(
            "Part of this file would expand hundreds of times over when opened, which no "
            "normal workbook does. It may be damaged or built to cause harm, so it was not "
            "opened. Save a fresh copy from Excel and try again."
        )
    if total > cap:
        raise RefusedFile(
            f"The file would expand to {_mb(total)} when opened, which is more than we accept "
            f"({_mb(cap)}). It may be damaged or built to cause harm. Save a fresh copy "
            "from Excel and try again."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise RefusedFile(
            "The workbook is protected with a password, so it cannot be read. Remove the "
            "password in Excel, save it and upload it again."
        )
    content_types = _read(archive, "[Content_Types].xml", names)
    if "xl/vbaProject.bin" in names or b"macroEnabled" in content_types:
        raise RefusedFile(
            "This workbook contains macros (.xlsm). For your safety we only accept plain "
            "workbooks: in Excel choose File › Save As › Excel Workbook (.xlsx), then upload "
            "that file."
        )
    if "xl/workbook.xml" not in names:
        raise RefusedFile(
            "This file is not an Excel workbook (it may be a Word or other Office file). "
            "Upload the Master Template as .xlsx."
        )
    sheets = _count_sheets(_read(archive, "xl/workbook.xml", names))
    max_sheets = settings.IMPORT_MAX_SHEETS
    if sheets > max_sheets:
        raise RefusedFile(
            f"The workbook has {sheets} sheets; we accept at most {max_sheets}. Delete the "
            "sheets you do not need (notes, old copies) and try again."
        )
    scan = _Scan()
    for member in members:
        if not member.is_dir():
            _scan_part(archive, member, scan)
    return FileFacts(
        sheets=sheets,
        rows=scan.rows,
        uncompressed=total,
        cells=scan.cells,
        expanded=scan.expanded,
    )


def _read(archive: zipfile.ZipFile, name: str, names: set[str]) -> bytes:
    if name not in names:
        return b""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise RefusedFile(
            "The file is damaged or incomplete, so it cannot be opened. Save it again from "
            "Excel and upload the new copy."
        ) from exc


def _count_sheets(workbook_xml: bytes) -> int:
    try:
        root = ElementTree.fromstring(workbook_xml)
    except Exception as exc:  # defusedxml raises several kinds; all mean "unusable"
        raise RefusedFile(
            "The workbook's structure could not be read. Save it again from Excel and "
            "upload the new copy."
        ) from exc
    return sum(1 for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "sheet")


def range_area(ref: str) -> int:
    """How many cells a reference like `A1:C3`, `A:A`, `1:1` or `A1 B2:B9` covers (0 when
    it is not a reference: the parser will refuse it or ignore it)."""
    from openpyxl.utils.cell import range_boundaries  # a workbook is being read: loaded

    area = 0
    for part in ref.split():
        try:
            min_col, min_row, max_col, max_row = range_boundaries(part.replace("$", ""))
        except (ValueError, TypeError):
            continue
        cols = (max_col or EXCEL_COLUMNS) - (min_col or 1) + 1
        rows = (max_row or EXCEL_ROWS) - (min_row or 1) + 1
        area += max(cols, 1) * max(rows, 1)
    return area


def _attribute(tag: bytes, wanted: bytes) -> str | None:
    """The value of an unprefixed attribute of one tag (entities decoded, as a parser
    would: `A1&#58;A9` is `A1:A9`)."""
    pos = 0
    while m := ATTRIBUTE.match(tag, pos):
        if m.group(1) == wanted:
            raw = m.group(2) if m.group(2) is not None else m.group(3)
            return html.unescape(raw.decode("utf-8", "replace"))
        pos = m.end()
    return None


def _scan_complete(text: bytes, scan: _Scan) -> None:
    """Count what a reader would build from complete tags in `text`."""
    scan.rows += len(ROW_TAG.findall(text))
    scan.cells += len(CELL_TAG.findall(text))
    for m in RANGE_TAG.finditer(text):
        end = text.find(b"<", m.end())
        ref = _attribute(text[m.end() : end if end != -1 else len(text)], b"ref")
        if ref is None:
            continue
        area = range_area(ref)
        scan.expanded += area
        scan.kinds.add(EXPANDED[m.group(1)])
        if area > scan.example_area:
            scan.example, scan.example_area = ref.strip()[:40], area
    _enforce(scan)


def _enforce(scan: _Scan) -> None:
    max_rows = settings.IMPORT_MAX_ROWS
    if scan.rows > max_rows:
        raise RefusedFile(
            f"The workbook has more than {max_rows:,} rows; we accept at most "
            f"{max_rows:,}. Split it into smaller workbooks, or delete empty rows that "
            "still carry formatting."
        )
    max_cells = settings.IMPORT_MAX_CELLS
    if scan.cells > max_cells:
        raise RefusedFile(
            f"The workbook has more than {max_cells:,} cells (including empty cells that "
            f"carry formatting); we accept at most {max_cells:,}. Delete the empty columns "
            "and rows to the right and below your data (select them, right-click › "
            "Delete), save and upload again."
        )
    max_expanded = settings.IMPORT_MAX_RANGE_CELLS
    if scan.expanded > max_expanded:
        merged, linked = "merge" in scan.kinds, "link" in scan.kinds
        what = " and ".join(
            w for w, on in (("merged cells", merged), ("hyperlinks (links)", linked)) if on
        )
        if scan.example_area * 2 > scan.expanded:
            found = f"{what} over a very large range ({scan.example}, {scan.example_area:,} cells)"
        else:
            found = f"{what} covering {scan.expanded:,} cells in all (for example {scan.example})"
        advice = " and ".join(
            a
            for a, on in (
                ("unmerge those cells (Home › Merge & Center)", merged),
                ("remove those links (right-click › Remove Hyperlinks)", linked),
            )
            if on
        )
        raise RefusedFile(
            f"The workbook has {found}. Merged and linked ranges may cover at most "
            f"{max_expanded:,} cells, far more than any ladder needs. In Excel, {advice}, "
            "then save and upload again."
        )


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, scan: _Scan) -> None:
    """Stream one part; only complete tags are looked at (a tag runs from "<" to the next
    "<", since "<" cannot appear inside one), the unfinished end is kept for the next
    chunk. Stops at the first limit passed."""
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                buf = tail + chunk
                cut = buf.rfind(b"<")
                if cut == -1:
                    tail = b""
                    continue
                _scan_complete(buf[:cut], scan)
                tail = buf[cut:]
                if len(tail) > MAX_TAG:
                    raise RefusedFile(
                        "Part of the workbook is not laid out as Excel saves it, so it was "
                        "not opened. Save a fresh copy from Excel and upload that."
                    )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise RefusedFile(
            "The file is damaged or incomplete, so it cannot be opened. Save it again from "
            "Excel and upload the new copy."
        ) from exc
    _scan_complete(tail, scan)
