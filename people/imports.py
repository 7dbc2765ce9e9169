"""Bulk-adding people from a CSV file: read → check every row → preview → apply.

`read_csv` turns the upload into a header and raw rows (strings). `plan_import` checks
the rows against the directory and the ladders and says, row by row, what would
happen, with errors that name the row and column. The raw rows are kept server-side
(`PeopleImport`) between the preview and the confirmation, and planned again when the
import is applied (`people.services.apply_import`), so the preview can never be
tampered with and a directory that changed in between is noticed.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from frameworks.models import JobFamily, Level
from people.forms import parse_date
from people.models import Person
from people.placement import placeable_levels

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024

# column key -> (label in messages, accepted header spellings, lower-cased)
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


@dataclass
class RowPlan:
    number: int  # the row number in the spreadsheet (header = 1)
    action: str  # add | update | unchanged | error
    name: str = ""
    email: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # service kwargs, objects resolved
    manager_email: str = ""  # when the manager is someone this file adds
    manager_name: str = ""
    changes: list[str] = field(default_factory=list)  # "Manager: A → B"
    errors: list[str] = field(default_factory=list)
    person: Person | None = None  # the existing person for updates
    level: Level | None = None
    job_family: JobFamily | None = None

    @property
    def revision(self) -> int | None:
        return self.person.revision if self.person else None


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [e for row in self.rows for e in row.errors]

    @property
    def error_links(self) -> list[tuple[int, str]]:
        return [(row.number, e) for row in self.rows for e in row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def fingerprint(self) -> list[Any]:
        """What the plan would do; compared between preview and confirmation."""
        return [
            [r.number, r.action, r.email, r.changes, r.revision]
            for r in self.rows
            if r.action in ("add", "update")
        ]

    @property
    def digest(self) -> str:
        """A short hash of `fingerprint`: the confirm button carries the digest of the
        preview the user saw, so a preview that went stale is never applied."""
        data = json.dumps(self.fingerprint, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def _error(row: RowPlan, column: str, message: str) -> None:
    row.errors.append(f"Row {row.number}, column {COLUMNS[column][0]}: {message}")


def plan_import(header: list[str], raw_rows: list[list[str]]) -> ImportPlan:
    """Check every row against the directory and the ladders (a constant number of
    queries) and say what applying the file would do."""
    people = {p.email: p for p in Person.objects.select_related("manager", "job_family")}
    families = list(JobFamily.objects.all())
    family_by_name = {f.name.casefold(): f for f in families} | {
        f.key.casefold(): f for f in families
    }
    levels_by_family: dict[int, list[Level]] = {}
    for lv in placeable_levels():
        levels_by_family.setdefault(lv.version.family_id, []).append(lv)

    keys = [_column_key(cell) for cell in header]
    ignored = [name for name, key in zip(header, keys, strict=True) if not key and name]
    rows: list[RowPlan] = []
    seen: dict[str, int] = {}
    for index, cells in enumerate(raw_rows):
        cell = {key: "" for key in COLUMNS}
        for key, value in zip(keys, cells, strict=False):
            if key:
                cell[key] = value.strip()
        row = RowPlan(number=index + 2, action="add", name=" ".join(cell["name"].split()))
        rows.append(row)
        email = cell["email"].lower()
        row.email = email
        if not row.name:
            _error(row, "name", "enter the person's name.")
        elif len(row.name) > 150:
            _error(row, "name", "the name is longer than 150 characters.")
        if not email:
            _error(row, "email", "enter the person's e-mail address.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                _error(row, "email", f"“{cell['email']}” is not an e-mail address.")
            else:
                if email in seen:
                    _error(row, "email", f"{email} is also on row {seen[email]}; each person once.")
                else:
                    seen[email] = row.number
        if len(cell["title"]) > 150:
            _error(row, "title", "the job title is longer than 150 characters.")
        row.person = people.get(email)
        if row.person is not None and not row.person.is_active:
            _error(
                row,
                "email",
                f"{row.person.name} ({email}) is deactivated. Reactivate them "
                "first, or remove the row.",
            )
        _plan_ladder(row, cell, family_by_name, levels_by_family)
        if cell["start_date"]:
            start = parse_date(cell["start_date"])
            if start is None:
                _error(
                    row,
                    "start_date",
                    f"“{cell['start_date']}” is not a date. Use YYYY-MM-DD "
                    "or DD/MM/YYYY, for example 2024-03-31.",
                )
            else:
                row.values["start_date"] = start
        if cell["title"]:
            row.values["title"] = cell["title"]
        row.manager_email = cell["manager_email"].lower()

    in_file = {r.email: r for r in rows if r.email and seen.get(r.email) == r.number}
    for row in rows:
        _plan_manager(row, in_file, people)
    _refuse_loops(rows, in_file, people)
    for row in rows:
        _finish(row)
    return ImportPlan(rows, ignored_columns=ignored)


def _plan_ladder(
    row: RowPlan,
    cell: dict[str, str],
    family_by_name: dict[str, JobFamily],
    levels_by_family: dict[int, list[Level]],
) -> None:
    family: JobFamily | None = None
    if cell["job_family"]:
        family = family_by_name.get(cell["job_family"].casefold())
        if family is None:
            _error(
                row,
                "job_family",
                f"there is no job family called “{cell['job_family']}”. "
                "Check the spelling, or create the family first.",
            )
            return
        row.values["job_family"] = family
    if not cell["level"]:
        if family is not None and row.person is not None and row.person.job_family_id != family.pk:
            row.values["level"] = None  # a new family: the old family's level no longer fits
        return
    if family is None:
        family = row.person.job_family if row.person else None
        if family is None:
            _error(
                row, "level", "give a job family too, so we know which ladder the level belongs to."
            )
            return
    wanted = cell["level"].casefold()
    levels = levels_by_family.get(family.pk, [])
    level = next((lv for lv in levels if lv.code.casefold() == wanted), None) or next(
        (lv for lv in levels if lv.title.casefold() == wanted), None
    )
    if level is None:
        if not levels:
            _error(row, "level", f"the {family.name} ladder has no levels yet.")
        else:
            known = ", ".join(lv.code for lv in levels[:12])
            _error(
                row,
                "level",
                f"the {family.name} ladder has no level “{cell['level']}”. "
                f"Use a level code ({known}) or title.",
            )
        return
    row.values["job_family"] = family
    row.values["level"] = level


def _plan_manager(row: RowPlan, in_file: dict[str, RowPlan], people: dict[str, Person]) -> None:
    email = row.manager_email
    if not email:
        return
    if email == row.email:
        _error(row, "manager_email", "someone cannot be their own manager.")
        row.manager_email = ""
        return
    if email in in_file and in_file[email].person is None:
        row.manager_name = in_file[email].name  # linked once they exist (see apply_import)
        return
    existing = people.get(email)
    if existing is None:
        _error(
            row, "manager_email", f"no one with the e-mail {email} in this file or the directory."
        )
    elif not existing.is_active:
        _error(
            row,
            "manager_email",
            f"{existing.name} ({email}) is deactivated and cannot manage anyone.",
        )
    else:
        row.values["manager"] = existing
    row.manager_email = ""  # resolved to someone already in the directory


def _refuse_loops(
    rows: list[RowPlan], in_file: dict[str, RowPlan], people: dict[str, Person]
) -> None:
    """The reporting lines after the import, by e-mail; a row whose chain comes back to
    itself would make a loop."""
    by_pk = {p.pk: p for p in people.values()}
    manager_of: dict[str, str] = {
        p.email: by_pk[p.manager_id].email
        for p in people.values()
        if p.manager_id and p.manager_id in by_pk
    }
    for row in rows:
        if not row.email or in_file.get(row.email) is not row:
            continue
        if row.manager_email:
            manager_of[row.email] = row.manager_email
        elif "manager" in row.values:
            manager_of[row.email] = row.values["manager"].email
    names = {p.email: p.name for p in people.values()} | {r.email: r.name for r in in_file.values()}
    for row in rows:
        if not row.email or in_file.get(row.email) is not row or row.email not in manager_of:
            continue
        chain = [row.email]
        current = manager_of.get(row.email)
        while current is not None and current not in chain:
            chain.append(current)
            current = manager_of.get(current)
        if current == row.email:
            path = " → ".join(names.get(e, e) for e in [*chain, row.email])
            _error(row, "manager_email", f"this would make a reporting loop ({path}).")


FIELD_LABELS = {
    "name": "Name",
    "title": "Job title",
    "manager": "Manager",
    "job_family": "Job family",
    "level": "Level",
    "start_date": "Start date",
}


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Level):
        return value.code
    if hasattr(value, "strftime"):
        return value.strftime("%d %b %Y")
    return str(value)


def _finish(row: RowPlan) -> None:
    row.level = row.values.get("level")
    row.job_family = row.values.get("job_family")
    if row.errors:
        row.action = "error"
        return
    person = row.person
    if person is None:
        row.action = "add"
        return
    row.values["name"] = row.name
    changes = {}
    for key, value in row.values.items():
        current = getattr(person, key)
        if current != value:
            changes[key] = value
            row.changes.append(f"{FIELD_LABELS[key]}: {_show(current)} → {_show(value)}")
    if row.manager_email:
        row.changes.append(
            f"Manager: {_show(person.manager)} → {row.manager_name or row.manager_email} "
            "(added by this file)"
        )
    row.values = changes
    row.action = "update" if row.changes else "unchanged"
