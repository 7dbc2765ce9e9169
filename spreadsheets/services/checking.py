"""Checking a workbook: read and validated in a limited child process, compared with the
organization (the preview), problems kept in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from frameworks.models import JobFamily
from frameworks.schema import FamilyData
from frameworks.selectors import current_version
from frameworks.services import current_draft, version_to_data
from people.models import Person
from spreadsheets.diff import compare_family, compare_people
from spreadsheets.reader import RawSheet, read_workbook
from spreadsheets.safety import RefusedFile, check_workbook_bytes
from spreadsheets.sandbox import LimitExceeded, Limits, run_limited
from spreadsheets.services.selectors import fingerprint, org_context, target_family
from spreadsheets.validator import (
    FAMILIES,
    LEVELS,
    KnownPerson,
    OrgContext,
    ParsedWorkbook,
    PersonRow,
    Problem,
    parse_people,
    parse_workbook,
)

MAX_STORED_PROBLEMS = 500  # the first 500 problems are kept and shown, then "and N more"
Progress = Callable[[int, str], None]


class ImportError_(Exception):
    """The import cannot go ahead; the message is for the user."""


class StaleImport(ImportError_):
    """The frameworks or people changed after the file was checked (the fingerprint)."""


def _noop(pct: int, stage: str) -> None:
    return None


@dataclass
class CheckResult:
    parsed: ParsedWorkbook | None
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    context: OrgContext | None = None  # what it was checked against (`check_people`)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_limits(*, inline: bool = False) -> Limits:
    """How long and how much memory reading one workbook may take: briefly within a web
    request (a slower file moves to the background worker), longer in the worker and the
    import command."""
    return Limits(
        seconds=settings.IMPORT_INLINE_CHECK_SECONDS if inline else settings.IMPORT_CHECK_SECONDS,
        memory_mb=settings.IMPORT_CHECK_MEMORY_MB,
    )


def _read_and_parse(
    data: bytes, name: str, context: OrgContext
) -> tuple[ParsedWorkbook, list[str], int]:
    """Runs in the sandbox's child: no database. The parse's problems come back sorted
    and cut to MAX_STORED_PROBLEMS (with how many more there were)."""
    book = read_workbook(data, name=name)
    parsed = parse_workbook(book, context)
    order = [s.name for s in book.sheets]
    problems, more = _first_problems(parsed.problems, order)
    parsed.problems = problems
    return parsed, order, more


def _first_problems(problems: list[Problem], order: list[str]) -> tuple[list[Problem], int]:
    rank = {name: i for i, name in enumerate(order)}
    ordered = sorted(problems, key=lambda p: (rank.get(p.sheet, -1), p.row or 0))
    return ordered[:MAX_STORED_PROBLEMS], max(len(ordered) - MAX_STORED_PROBLEMS, 0)


def _limit_message(exc: LimitExceeded) -> str:
    if exc.what == "time":
        return (
            f"Reading the workbook took longer than {exc.limits.seconds:.0f} seconds, which "
            "no normal workbook needs. It may be damaged or built to cause harm. Save a fresh "
            "copy from Excel (only the sheets of the Master Template) and upload that."
        )
    return (
        f"Reading the workbook needed more than {exc.limits.memory_mb:,} MB of memory, which "
        "no normal workbook needs. It may be damaged or built to cause harm. Save a fresh "
        "copy from Excel (only the sheets of the Master Template) and upload that."
    )


def check_workbook(
    data: bytes,
    *,
    name: str = "",
    progress: Progress = _noop,
    limits: Limits | None = None,
    raise_on_limit: bool = False,
) -> CheckResult:
    """Read, validate and compare a workbook with the active organization. Writes nothing.

    The file is checked before parsing (`safety`), then read and validated in a child
    process under `limits` (`sandbox`). With `raise_on_limit`, running out of time or
    memory raises LimitExceeded (the web request hands the file to the worker) instead of
    becoming the file's problem."""
    progress(5, "Checking the file is a safe Excel workbook")
    try:
        check_workbook_bytes(data, name=name)
        context = org_context()  # everyone once: the validator's and the preview's
        progress(20, "Reading families, levels and statements")
        parsed, order, more = run_limited(
            _read_and_parse, data, name, context, limits=limits or check_limits()
        )
    except RefusedFile as exc:
        return CheckResult(None, [Problem("", None, "", "", str(exc))])
    except LimitExceeded as exc:
        if raise_on_limit:
            raise
        return CheckResult(None, [Problem("", None, "", "", _limit_message(exc))])
    progress(65, "Comparing with your current frameworks and people")
    problems = list(parsed.problems)
    summary: dict[str, Any] = {}
    if not problems:
        problems, summary = _compare(parsed, context.people)
    problems, extra = _first_problems(problems, order)
    more += extra
    if more:
        problems.append(
            Problem(
                "",
                None,
                "",
                "",
                f"… and {more:,} more problem{'s' if more != 1 else ''} not listed here. "
                "Correct the ones above (the same mistake is often repeated down a column), "
                "then upload the workbook again to see what is left.",
            )
        )
    progress(90, "Preparing the preview")
    return CheckResult(parsed, problems, summary)


def _compare(
    parsed: ParsedWorkbook, existing: dict[str, KnownPerson]
) -> tuple[list[Problem], dict[str, Any]]:
    problems: list[Problem] = []
    families: list[dict[str, Any]] = []
    moving = {p.email: p for p in parsed.people or []}
    for data in parsed.families:
        family = target_family(data)
        old, label, renamed = None, "", ""
        if family is not None:
            other = JobFamily.objects.filter(name__iexact=data.name).exclude(pk=family.pk).first()
            if other is not None:
                problems.append(
                    Problem(
                        FAMILIES,
                        None,
                        "Key",
                        "",
                        f"The key “{data.key}” belongs to your family “{family.name}”, but "
                        f"“{data.name}” is another family. Correct the key, or leave it empty.",
                    )
                )
                continue
            if family.name != data.name:
                renamed = family.name
            version = current_draft(family) or current_version(family)
            if version is not None:
                old, label = version_to_data(version), version.label
            problems.extend(_stranded(family, data, moving))
        families.append(compare_family(data, old, old_label=label, renamed_from=renamed))
    people = None
    if parsed.people is not None:
        people = compare_people(parsed.people, existing)
    totals = {
        "families": len(parsed.families),
        "new_families": sum(1 for f in families if f["status"] == "new"),
        "levels": sum(len(f.levels) for f in parsed.families),
        "competencies": sum(len(f.competencies) for f in parsed.families),
        "statements": sum(f.statement_count() for f in parsed.families),
        "people": len(parsed.people or []),
        "people_added": len(people["added"]) if people else 0,
        "people_changed": len(people["changed"]) if people else 0,
    }
    summary = {
        "families": families,
        "people": people,
        "notes": parsed.notes,
        "totals": totals,
        "shapes": parsed.shapes,
        "fingerprint": fingerprint(),
    }
    return problems, summary


def _stranded(family: JobFamily, data: FamilyData, moving: dict[str, PersonRow]) -> list[Problem]:
    """People on a level the import removes, and not moved by the People sheet."""
    codes = set(data.level_codes())
    out = []
    stuck: dict[str, list[str]] = {}
    draft = current_draft(family)
    for p in Person.objects.filter(job_family=family).exclude(level_uid=""):
        if p.level is None or p.level.code in codes:
            continue
        on_draft = draft is not None and p.level.version_id == draft.pk
        if p.email in moving and not on_draft:
            continue  # the People sheet moves them
        stuck.setdefault(p.level.code, []).append(p.name)
    for code, names in sorted(stuck.items()):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(
            Problem(
                LEVELS,
                None,
                "Code",
                "",
                f"{family.name} level {code} is not in the workbook, but {shown} "
                f"{'is' if len(names) == 1 else 'are'} on it. Keep the level, or move "
                f"{'them' if len(names) > 1 else 'that person'} to another level on the "
                f"People sheet.",
            )
        )
    return out


def check_people(sheet: RawSheet, *, where: str) -> CheckResult:
    """People read from a CSV file (`spreadsheets.people_csv`) as a People sheet: checked by
    the People sheet's rules (blank cells keep a person's details: `partial`) and compared
    with the directory as a workbook's people are, with the fingerprint its confirmation
    is checked against. Writes nothing. The preview is made even when rows have problems
    (the rows without show what they would do); such a file cannot be applied. Within the
    request: a CSV file has at most 5,000 rows and no workbook to unpack."""
    seen = fingerprint()  # before what it guards is read: a change in between is stale
    context = org_context()
    parsed = parse_people(sheet, context, partial=True, where=where)
    people = compare_people(parsed.people or [], context.people)
    summary = {
        "people": people,
        "notes": parsed.notes,
        "fingerprint": seen,
        "totals": {
            "people": len(parsed.people or []),
            "people_added": len(people["added"]),
            "people_changed": len(people["changed"]),
        },
    }
    problems = sorted(parsed.problems, key=lambda p: p.row or 0)
    return CheckResult(parsed, problems, summary, context)
