from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.demo import seed
from organizations.models import Organization
from organizations.scoping import unscoped


class Command(BaseCommand):
    help = "Create (or top up) a deterministic demo organization and print its logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", default="demo", help="organization slug (default: demo)")
        parser.add_argument("--people", type=int, default=40, help="people to create")
        parser.add_argument("--seed", type=int, default=7, help="random seed")
        parser.add_argument(
            "--cycles",
            type=int,
            default=2,
            help="released review cycles of history, with gap reports and plans (default 2)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when any organization exists already",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with unscoped():
            if options["if_empty"] and Organization.objects.exists():
                demo = Organization.objects.filter(slug=options["org"]).first()
                if demo is None:
                    self.stdout.write("Organizations exist already; no demo created.")
                    return
        result = seed(
            options["org"],
            people=options["people"],
            seed=options["seed"],
            cycles=options["cycles"],
        )
        verb = "Created" if result.created else "Found"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo organization “{result.org.name}”."))
        self.stdout.write("Log in at /accounts/login/ with any of:")
        for role, email, password in result.logins:
            self.stdout.write(f"  {role:<9} {email:<28} password: {password}")
