"""The operator's view of organization deletions, and the scheduler's hook.

manage.py organization_deletions          # pending deletions, soonest first
manage.py organization_deletions --run    # carry out those due; remove expired exports
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from datarights.models import OrganizationDeletion
from datarights.services import run_due_deletions


class Command(BaseCommand):
    help = "List scheduled organization deletions; --run carries out those that are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--run", action="store_true", help="Delete the organizations due.")

    def handle(self, *args: Any, run: bool = False, **options: Any) -> None:
        if run:
            done = run_due_deletions()
            self.stdout.write(f"Deleted {done} organization(s).")
        pending = OrganizationDeletion.objects.filter(
            status__in=[OrganizationDeletion.Status.SCHEDULED, OrganizationDeletion.Status.RUNNING]
        )
        if not pending:
            self.stdout.write("No organization deletion is scheduled.")
        for d in pending:
            self.stdout.write(
                f"{d.organization_slug}\t{d.organization_name}\t{d.get_status_display()}\t"
                f"due {d.due_at:%Y-%m-%d %H:%M}"
            )
