"""Operator command: turn a trial (or suspended) organization into a paying one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from organizations.management.lookup import organization_or_error
from organizations.models import Organization
from organizations.services import activate_organization


class Command(BaseCommand):
    help = "Activate the subscription of the organization with this slug."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["slug"])
        if org.plan == Organization.Plan.ACTIVE and org.paid_until is None:
            self.stdout.write(f"{org.name} ({org.slug}) is already active; nothing changed.")
            return
        before = org.get_plan_display()
        activate_organization(org)
        self.stdout.write(
            self.style.SUCCESS(f"Activated {org.name} ({org.slug}): {before} → Active.")
        )
