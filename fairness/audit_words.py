"""How the audit log words fairness actions. Volunteered answers are never written to
the audit log: only that someone changed theirs."""

from __future__ import annotations

ACTIONS: dict[str, tuple[str, str]] = {
    "demographics.attribute_created": ("Demographic question added", "added the question"),
    "demographics.attribute_changed": ("Demographic question changed", "changed the question"),
    "demographics.answers_changed": (
        "Volunteered data changed",
        "changed their own volunteered data",
    ),
    "fairness.decisions_uploaded": ("Past promotion decisions uploaded", "uploaded"),
    "fairness.decisions_removed": ("Past promotion decisions removed", "removed"),
}

FIELDS = {"options": "Answers offered", "rows": "Rows", "file": "File"}
