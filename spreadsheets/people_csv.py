"""The people CSV file: one more reader of the Master Template's people import.

`read_csv` turns an upload into a header and raw rows (strings), refusing a file that
cannot be read as a whole (not UTF-8, too big, no Email column…). `as_sheet` turns
those rows into a People sheet (`spreadsheets.reader.RawSheet`, the CSV's columns under
the People sheet's headings), and from there the Master Template's pipeline does the
work: the People sheet's validator (`spreadsheets.validator.parse_people`, with the CSV
format's promise that only Name and Email are required and a blank cell keeps what a
person has), its preview (`spreadsheets.diff.compare_people`), its fingerprint and its
applier (`spreadsheets.services.apply_import` → `people.importing.write_people`), all or
nothing. The raw rows are kept on the server (`people.models.PeopleImport`) between the
preview and the confirmation and checked again when the import is applied, so the
preview cannot be tampered with, and a directory or ladder that changed in between
refuses it (the fingerprint).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from organizations.actors import Actor
from organizations.models import Organization
from people.models import PeopleImport
from people.services import PersonError, finish_import
from spreadsheets.reader import CellValue, RawSheet
from spreadsheets.services import (
    CheckResult,
    ImportError_,
    StaleImport,
    apply_import,
    check_people,
)
from spreadsheets.validator import PEOPLE, Problem

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024

# column key -> (label in messages and the People sheet's heading it is read under,
# accepted header spellings, lower-cased)
COLUMNS: dict[str, tuple[str, set[str]]] = {
    "name": ("Name", {"name", "full name"}),
    "email": ("Email", {"email", "e-mail", "email address", "e-mail address", "work email"}),
    "title": ("Job title", {"job title", "title"}),
    "manager_email": (
        "Manager email",
        {"manager email", "manager e-mail", "manager's email", "manager email address"},
    ),
    "job_family": ("Job family", {"job family", "family"}),
    "level": ("Level", {"level", "level code"}),
    "start_date": ("Start date", {"start date", "start", "joined"}),
}
REQUIRED = ["name", "email"]

# The example file fits this built-in template (frameworks/library): import it into an
# organization that started from the template and every row goes in
# (tests/spreadsheets/test_examples.py).
EXAMPLE_TEMPLATE = "product-management"
EXAMPLE_ROWS = [
    ["Name", "Email", "Job title", "Manager email", "Job family", "Level", "Start date"],
    [
        "Priya Shah",
        "priya@example.com",
        "Director of Product",
        "",
        "Product Management",
        "DIR",
        "2021-03-01",
    ],
    [
        "Tom Becker",
        "tom@example.com",
        "Senior Product Manager",
        "priya@example.com",
        "Product Management",
        "SPM",
        "15/06/2022",
    ],
    [
        "Lena Ortiz",
        "lena@example.com",
        "Product Manager",
        "tom@example.com",
        "Product Management",
        "Product Manager",
        "2024-01-08",
    ],
]


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def example_csv() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(EXAMPLE_ROWS)
    return out.getvalue()


# Encodings spreadsheet programs save CSV files in, which UTF-8 is not; named in the
# message when the bytes read cleanly as one of them and give its script's letters.
EAST_ASIAN = [
    ("cp932", "Shift-JIS, a Japanese encoding", "\u3040-\u30ff\u4e00-\u9fff"),
    ("euc_kr", "EUC-KR, a Korean encoding", "\uac00-\ud7af"),
    ("gb18030", "GBK/GB18030, a Chinese encoding", "\u4e00-\u9fff"),
    ("big5", "Big5, a Chinese encoding", "\u4e00-\u9fff"),
]
SAVE_AS_UTF8 = (
    "In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)”; in Google Sheets "
    "download it as CSV (always UTF-8). Then upload it again."
)


def _east_asian(raw: bytes) -> str:
    """The East Asian encoding `raw` is written in, or "". The bytes must read cleanly
    as it, give that script's letters, and give them in runs (words), not one at a time
    among Latin letters as a Western file misread would (Müller is M + one Kanji + ler)."""
    for codec, label, letters in EAST_ASIAN:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        runs = re.findall(r"[^\x00-\x7f]+", text)
        wide = "".join(runs)
        if not wide:
            continue
        script = len(re.findall(f"[{letters}]", wide)) / len(wide)
        if script >= 0.8 and len(wide) / len(runs) >= 1.5:
            return label
    return ""


def decode_csv(raw: bytes) -> str:
    """The file's text. UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's
    "Unicode text") are read as they say; a Western Windows file (cp1252, Excel's plain
    "CSV") is read as such. A Japanese, Korean or Chinese encoding would come out as
    garbled Latin letters that still look like valid rows, so it is refused, named."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "The file says it is UTF-16 text but is damaged. " + SAVE_AS_UTF8
            ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    found = _east_asian(raw)
    if not found:
        try:
            return raw.decode("cp1252")  # Müller, José, Zoë
        except UnicodeDecodeError:
            pass
    seen = f"It seems to be saved as {found}" if found else "It is saved in another encoding"
    raise ImportFileError(
        "The file is not saved as UTF-8, so its names and letters would be garbled. "
        f"{seen} rather than UTF-8. {SAVE_AS_UTF8}"
    )


def read_csv(raw: bytes) -> tuple[list[str], list[list[str]]]:
    """The header row and the other rows of an upload, as strings."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError("The file is larger than 2 MB. Split it into smaller files.")
    text = decode_csv(raw)
    if "\x00" in text:
        raise ImportFileError("This does not look like a CSV file. Save it as “CSV UTF-8”.")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        lines = [
            row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)
        ]
    except csv.Error as exc:
        raise ImportFileError(f"The file is not valid CSV: {exc}.") from exc
    if not lines:
        raise ImportFileError("The file is empty. Add a header row and one row per person.")
    header = [cell.strip() for cell in lines[0]]
    keys = [_column_key(cell) for cell in header]
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in keys]
    if missing:
        raise ImportFileError(
            f"The first row must name the columns. Missing: {', '.join(missing)}. "
            "Download the example file to see the expected columns."
        )
    rows = lines[1:]
    if not rows:
        raise ImportFileError("The file has a header row but no people.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(rows):,} people; at most {MAX_ROWS:,} can be imported at once."
        )
    return header, rows


def _column_key(cell: str) -> str:
    wanted = " ".join(cell.strip().lower().replace("_", " ").split())
    for key, (_label, spellings) in COLUMNS.items():
        if wanted in spellings:
            return key
    return ""


def as_sheet(header: list[str], rows: list[list[str]]) -> RawSheet:
    """The rows as a People sheet: the CSV's columns in a fixed order under their labels
    (which the People sheet reads as its own columns: "Job family" is its Family), blank
    cells empty, row numbers as in the file (the header is row 1)."""
    keys = [_column_key(cell) for cell in header]
    order = list(COLUMNS)
    out: list[list[CellValue]] = [[COLUMNS[key][0] for key in order]]
    for cells in rows:
        values = dict.fromkeys(order, "")
        for key, value in zip(keys, cells, strict=False):
            if key:
                values[key] = value.strip()
        out.append([values[key] or None for key in order])
    return RawSheet(name=PEOPLE, rows=out)


def ignored_columns(header: list[str]) -> list[str]:
    return [cell for cell in header if cell and not _column_key(cell)]


def check(header: list[str], rows: list[list[str]]) -> CheckResult:
    """A file's rows checked and compared with the directory (writes nothing)."""
    return check_people(as_sheet(header, rows), where="in this file")


def message(problem: Problem) -> str:
    """A problem as the CSV page says it: the row, the column, what to do."""
    where = f"Row {problem.row}, column {problem.column}" if problem.row else "The file"
    return f"{where}: {problem.message}"


@dataclass
class PreviewRow:
    """A row of the file as the preview shows it: what happens to whom."""

    number: int  # the row number in the spreadsheet (header = 1)
    action: str  # add | update | unchanged | error
    name: str
    email: str
    code: str = ""  # the level the row names, and its title
    title: str = ""
    family: str = ""
    details: list[str] = field(default_factory=list)  # the changes, or the problems


@dataclass
class Preview:
    rows: list[PreviewRow]
    errors: list[tuple[int, str]]  # (row number, message), in file order
    fingerprint: str  # what the confirmation is checked against
    ignored_columns: list[str]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def preview(staged: PeopleImport) -> Preview:
    """Each row of the staged file and what applying it would do (writes nothing)."""
    checked = check(staged.header, staged.rows)
    assert checked.parsed is not None and checked.context is not None
    people = checked.summary["people"]
    context = checked.context
    titles = {(f.name, code): title for f in context.families for code, title in f.levels.items()}
    rows_of = {row.row: row for row in checked.parsed.people or []}
    added = {a["row"]: a for a in people["added"]}
    changed = {c["row"]: c for c in people["changed"]}
    names = {a["email"]: a["name"] for a in people["added"]}
    problems: dict[int, list[str]] = {}
    errors = []
    for problem in sorted(checked.problems, key=lambda p: p.row or 0):
        problems.setdefault(problem.row or 0, []).append(message(problem))
        errors.append((problem.row or 0, message(problem)))
    out = []
    for number, cells in enumerate(as_sheet(staged.header, staged.rows).rows[1:], start=2):
        if not any(cells):
            continue  # only columns that are not imported
        person = rows_of.get(number)
        row = PreviewRow(
            number=number,
            action="unchanged",
            name=" ".join(str(cells[0] or "").split()),
            email=str(cells[1] or "").lower(),
        )
        if person is not None:
            row.family, row.code = person.family, person.level
            row.title = titles.get((person.family, person.level), "")
        if number in problems or person is None:
            row.action, row.details = "error", problems.get(number, [])
        elif number in added:
            row.action = "add"
            row.details = [_reports_to(person.manager_email or "", names, context.people)]
            if person.start_date:
                row.details.append(f"starts {person.start_date:%-d %b %Y}")
        elif number in changed:
            row.action = "update"
            row.details = [f"{what}: {old} → {new}" for what, old, new in changed[number]["fields"]]
        out.append(row)
    return Preview(
        rows=out,
        errors=errors,
        fingerprint=checked.summary["fingerprint"],
        ignored_columns=ignored_columns(staged.header),
    )


def _reports_to(manager: str, added: dict[str, str], directory: dict[str, Any]) -> str:
    if not manager:
        return "No manager"
    if manager in added:
        return f"Reports to {added[manager]} (added by this file)"
    known = directory.get(manager)
    return f"Reports to {known.name if known else manager}"


class ImportChangedError(ImportError_):
    """The directory or the ladders changed between the preview and the confirmation."""

    def __init__(self) -> None:
        super().__init__(
            "The directory or the ladders changed since this preview was made, so nothing "
            "was imported. Check the updated preview below, then confirm again."
        )


def apply(
    org: Organization, staged: PeopleImport, *, actor: Actor, fingerprint: str
) -> dict[str, int]:
    """Apply a confirmed file, all or nothing, through the Master Template's applier. The
    rows kept on the server are checked again; problems, or a directory or ladder that
    changed since the preview the user confirmed (`fingerprint`), change nothing. The
    file is marked applied in the same transaction, once."""
    if staged.applied_at is not None:
        raise ImportError_("This file has already been imported.")
    checked = check(staged.header, staged.rows)
    if checked.problems or checked.summary["fingerprint"] != fingerprint:
        raise ImportChangedError()
    assert checked.parsed is not None
    counts: dict[str, int] = {}

    def finish(result: dict[str, Any]) -> None:
        counts.update(added=result["people_created"], updated=result["people_updated"])
        try:
            finish_import(staged, actor=actor, **counts)
        except PersonError as exc:
            raise ImportError_(str(exc)) from exc

    try:
        apply_import(
            org,
            [],
            checked.parsed.people,
            actor=actor,
            source="csv",
            expected_fingerprint=fingerprint,
            reason="Imported from a CSV file",
            finish=finish,
        )
    except StaleImport as exc:
        raise ImportChangedError() from exc
    return counts
