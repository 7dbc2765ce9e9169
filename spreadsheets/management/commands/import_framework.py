"""python manage.py import_framework FILE --org SLUG [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.management.lookup import organization_or_error
from organizations.scoping import scope
from spreadsheets.services import (
    ImportError_,
    apply_import,
    audit_failure,
    audit_refusal,
    check_workbook,
)


class Command(BaseCommand):
    help = "Import a Master Template workbook: a new draft per job family, and the people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the changes; save nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["org"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with scope(org):
            result = check_workbook(path.read_bytes(), name=path.name)
            if not result.ok or result.parsed is None:
                for problem in result.problems:
                    self.stderr.write(str(problem) if problem.sheet else problem.message)
                audit_refusal(org, None, None, result.problems)
                n = len(result.problems)
                raise CommandError(
                    f"{n} problem{'s' if n != 1 else ''} found; nothing was imported."
                )
            self._summary(result.summary)
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was saved.")
                return
            try:
                done = apply_import(
                    org,
                    result.parsed.families,
                    result.parsed.people,
                    actor=None,
                    source=f"import: {path.name}"[:120],
                )
            except ImportError_ as exc:
                audit_failure(org, None, None, str(exc))
                raise CommandError(f"{exc} Nothing was imported.") from exc
        for d in done["drafts"]:
            self.stdout.write(f"Draft ready: {d['family']} ({d['label']})")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(done['drafts'])} job famil"
                f"{'y' if len(done['drafts']) == 1 else 'ies'}; "
                f"{done['people_created']} people added, {done['people_updated']} updated."
            )
        )

    def _summary(self, summary: dict[str, Any]) -> None:
        t = summary["totals"]
        self.stdout.write(
            f"{t['families']} job families, {t['levels']} levels, {t['competencies']} "
            f"competencies, {t['statements']} statements, {t['people']} people."
        )
        for f in summary["families"]:
            status = {"new": "new family", "changed": "changes", "unchanged": "no changes"}
            line = f"- {f['name']}: {status[f['status']]}"
            if f["status"] == "changed":
                parts = []
                for what in ("levels", "competencies"):
                    for verb in ("added", "changed", "removed"):
                        if f[what][verb]:
                            parts.append(f"{len(f[what][verb])} {what} {verb}")
                parts.append(
                    f"{f['statements']['added']} statements added, "
                    f"{f['statements']['removed']} removed"
                )
                line += " (" + "; ".join(parts) + ")"
            self.stdout.write(line)
        people = summary.get("people")
        if people:
            self.stdout.write(
                f"People: {len(people['added'])} to add, {len(people['changed'])} to change, "
                f"{people['unchanged']} unchanged."
            )
        for note in summary.get("notes", []):
            self.stdout.write(f"Note: {note}")
