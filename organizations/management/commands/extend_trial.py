"""Operator command: give an organization more trial days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from organizations.management.lookup import organization_or_error
from organizations.models import Organization
from organizations.services import OrganizationError, extend_trial


class Command(BaseCommand):
    help = (
        "Extend the free trial of the organization with this slug by N days, counted from "
        "the later of today and the current trial end. Puts an active organization back "
        "on a trial."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--days", type=int, required=True, help="How many days to add")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["slug"])
        if org.plan == Organization.Plan.ACTIVE:
            raise CommandError(
                f"{org.name} ({org.slug}) is active (paying); extending a trial would "
                "make it a trial again. Nothing changed."
            )
        try:
            extend_trial(org, days=options["days"])
        except OrganizationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Extended the trial of {org.name} ({org.slug}) by {options['days']} days: "
                f"it now ends {org.trial_ends_at:%Y-%m-%d %H:%M} UTC "
                f"({org.trial_days_left} days left)."
            )
        )
