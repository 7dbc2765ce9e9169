"""Reading a CSV of past promotion decisions: `email`, `group`, `promoted` (yes/no), and
optionally `attribute` and `decision_date` (YYYY-MM-DD). The e-mails need not be in the
directory (people who have left are part of the history). Every problem is reported,
with its row; a file with any problem is not used."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_PROBLEMS = 50
REQUIRED = ("email", "group", "promoted")
YES = {"yes", "y", "true", "1", "promoted"}
NO = {"no", "n", "false", "0", "not promoted"}


@dataclass(frozen=True)
class PastRow:
    email: str
    attribute: str
    group: str
    promoted: bool
    decision_date: dt.date | None


@dataclass
class PastFile:
    rows: list[PastRow]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def read_past_decisions(data: bytes, *, default_attribute: str) -> PastFile:
    problems: list[str] = []
    if len(data) > MAX_BYTES:
        return PastFile([], [f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return PastFile([], ["Save the file as CSV in UTF-8 (Excel: “CSV UTF-8”) and try again."])
    if "\x00" in text:
        return PastFile([], ["This does not look like a CSV file."])
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return PastFile(
            [],
            [
                "The first row must name the columns email, group and promoted "
                f"(missing: {', '.join(missing)}); attribute and decision_date are optional."
            ],
        )
    at = {name: header.index(name) for name in header}
    rows: list[PastRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(f"The file has more than {MAX_ROWS:,} rows.")
            break

        def cell(name: str, cells: list[str] = cells) -> str:
            i = at.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        email, group, promoted = cell("email").lower(), cell("group"), cell("promoted").lower()
        attribute = cell("attribute") or default_attribute
        found: list[str] = []
        if "@" not in email or len(email) > 254:
            found.append(f"email “{cell('email')[:60]}” is not an e-mail address")
        if not group or len(group) > 120:
            found.append("group is empty" if not group else "group is longer than 120 characters")
        if promoted not in YES | NO:
            found.append(f"promoted must be yes or no (found “{cell('promoted')[:20]}”)")
        if len(attribute) > 80:
            found.append("attribute is longer than 80 characters")
        date = None
        if cell("decision_date"):
            try:
                date = dt.date.fromisoformat(cell("decision_date"))
            except ValueError:
                found.append(
                    f"decision_date “{cell('decision_date')[:20]}” is not a date like 2024-03-31"
                )
        if found:
            problems.append(f"Row {number}: " + "; ".join(found) + ".")
            if len(problems) >= MAX_PROBLEMS:
                problems.append("… and possibly more; fix these first.")
                break
            continue
        rows.append(PastRow(email, attribute, group, promoted in YES, date))
    if not rows and not problems:
        problems.append("The file has no rows of decisions under its first row.")
    return PastFile(rows, problems)
