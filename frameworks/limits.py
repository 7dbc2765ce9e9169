"""How much text a framework holds: limits that fit real ladders with room to spare (the
longest built-in template's summary is under 300 characters, its longest statement under
260), enforced alike by the models, the editor's forms, the edit services, the Master
Template importer and the API. They keep one pasted document from turning every page
that shows the ladder into megabytes."""

from __future__ import annotations

FAMILY_DESCRIPTION = 2000
LEVEL_SUMMARY = 1000
KEY_QUESTION = 300
COMPETENCY_DESCRIPTION = 1000
STATEMENT = 600
STATEMENTS_PER_CELL = 20
VERSION_NOTE = 2000

# what each limit is called where people meet it
FIELD_LIMITS = {
    ("family", "description"): ("The description", FAMILY_DESCRIPTION),
    ("level", "summary"): ("The summary", LEVEL_SUMMARY),
    ("level", "key_question"): ("The key question", KEY_QUESTION),
    ("competency", "description"): ("The description", COMPETENCY_DESCRIPTION),
    ("version", "note"): ("The note", VERSION_NOTE),
}


def too_long(what: str, value: str, limit: int) -> str:
    """The message for a text over its limit, or "" when it fits."""
    if len(value) <= limit:
        return ""
    return f"{what} is {len(value):,} characters long; at most {limit:,} fit. Shorten it."


def same_statement(text: str) -> str:
    """What two statements must differ in to be two: not case, spacing or a final stop."""
    return " ".join(text.split()).casefold().rstrip(".;! ")


def cell_problem(statements: list[str], *, repeats: bool = True) -> str:
    """What is wrong with a cell's statements (too many, one too long, or, when `repeats`,
    one there twice), or ""."""
    if len(statements) > STATEMENTS_PER_CELL:
        return (
            f"This cell has {len(statements):,} statements; at most {STATEMENTS_PER_CELL} fit. "
            "Keep the few that best show the level."
        )
    for text in statements:
        if len(text) > STATEMENT:
            start = " ".join(text.split())[:60]
            return (
                f"The statement “{start}…” is {len(text):,} characters long; at most "
                f"{STATEMENT} fit. A statement is one observable behaviour, a sentence or two."
            )
    seen: set[str] = set()
    for text in statements if repeats else []:
        key = same_statement(text)
        if key in seen:
            first = next(t for t in statements if same_statement(t) == key)
            return f"“{' '.join(first.split())}” is in this cell twice. Keep one of them."
        seen.add(key)
    return ""
