"""python manage.py export_framework --org SLUG --out FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.models import JobFamily
from organizations.management.lookup import organization_or_error
from organizations.scoping import scope
from spreadsheets.services import export_versions, export_workbook


class Command(BaseCommand):
    help = "Export job families and the people directory as a Master Template workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--out", required=True, help="where to write the .xlsx file")
        parser.add_argument("--family", default="", help="one family's key or name (default: all)")
        parser.add_argument(
            "--which",
            dest="which",
            choices=["published", "draft"],
            default="published",
            help="latest published version (default) or the current draft",
        )
        parser.add_argument("--no-people", action="store_true", help="leave out the people")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["org"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        with scope(org):
            family = None
            if options["family"]:
                wanted = options["family"]
                family = (
                    JobFamily.objects.filter(key=wanted).first()
                    or JobFamily.objects.filter(name__iexact=wanted).first()
                )
                if family is None:
                    raise CommandError(f"{org.name} has no job family “{wanted}”.")
            versions = export_versions(family=family, which=options["which"])
            content = export_workbook(
                org,
                family=family,
                which=options["which"],
                include_people=not options["no_people"],
            )
        out.write_bytes(content)
        for v in versions:
            self.stdout.write(f"- {v.family.name} ({v.label})")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(versions)} job families to {out} ({len(content):,} bytes)."
            )
        )
