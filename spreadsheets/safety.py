"""Checks an uploaded file before any spreadsheet library parses it.

Everything here reads the zip directory and streams XML parts, so a hostile file (a zip
bomb, a million empty rows, a password-protected or macro workbook) is refused in
milliseconds with a message an HR person can act on, never a server error.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from defusedxml import ElementTree
from django.conf import settings

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
MAX_MEMBERS = 2000
MAX_RATIO = 200  # a member may expand at most this much (real sheets compress ~10-30x)
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
CHUNK = 1 << 16


class RefusedFile(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


@dataclass
class FileFacts:
    sheets: int
    rows: int
    uncompressed: int


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
    rows = 0
    max_rows = settings.IMPORT_MAX_ROWS
    for member in members:
        if SHEET_PART.match(member.filename):
            rows += _count_rows(archive, member, max_rows - rows)
            if rows > max_rows:
                raise RefusedFile(
                    f"The workbook has more than {max_rows:,} rows; we accept at most "
                    f"{max_rows:,}. Split it into smaller workbooks, or delete empty rows that "
                    "still carry formatting."
                )
    return FileFacts(sheets=sheets, rows=rows, uncompressed=total)


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


def _count_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """Count <row> elements by streaming the sheet; stop as soon as the budget is spent."""
    count = 0
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                buf = tail + chunk
                count += len(ROW_TAG.findall(buf))
                # keep a short tail so a tag split across chunks is seen once
                cut = max(buf.rfind(b"<"), len(buf) - 16)
                tail = buf[cut:]
                count -= len(ROW_TAG.findall(tail))
                if count > budget:
                    return count
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise RefusedFile(
            "The file is damaged or incomplete, so it cannot be opened. Save it again from "
            "Excel and upload the new copy."
        ) from exc
    count += len(ROW_TAG.findall(tail))
    return count
