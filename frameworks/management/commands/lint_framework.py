"""Lint every statement of an organization's career framework.

    python manage.py lint_framework --org acme

For each job family it lints the latest published version (or the draft when nothing is
published yet) and prints one JSON object per statement: {"family", "level",
"competency", "statement", "score", "flags"}. Each family's score (the mean of its
statement scores) goes to standard error.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from frameworks.linter import lint_version
from frameworks.models import JobFamily
from frameworks.selectors import current_version
from frameworks.services import current_draft
from organizations.management.lookup import organization_or_error
from organizations.scoping import scope


class Command(BaseCommand):
    help = "Lint every statement of every job family of one organization; prints JSON lines."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["org"])
        with scope(org):
            for family in JobFamily.objects.order_by("position", "name"):
                version = current_version(family) or current_draft(family)
                if version is None:
                    continue
                report = lint_version(version)
                for item in report.items:
                    row = {
                        "family": family.name,
                        "level": item.level_code,
                        "competency": item.competency,
                        **item.result.as_dict(),
                    }
                    self.stdout.write(json.dumps(row, ensure_ascii=False))
                counts = report.counts()
                self.stderr.write(
                    f"{family.name} ({version.label}): score {report.score}, "
                    f"{counts['flagged']} of {counts['statements']} statements flagged"
                )
