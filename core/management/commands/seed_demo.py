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
            "--orgs",
            type=int,
            default=0,
            help="make N organizations of --people each, in bulk (slugs ORG-1 … ORG-N; "
            "core/demo_scale.py) instead of the hand-made demo",
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
        if options["orgs"]:
            self._many(options)
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

    def _many(self, options: dict[str, Any]) -> None:
        import time

        from core.demo_scale import PASSWORD, seed_scale

        for n in range(1, options["orgs"] + 1):
            start = time.perf_counter()
            result = seed_scale(
                f"{options['org']}-{n}",
                people=options["people"],
                cycles=options["cycles"],
                seed=options["seed"] + n,
            )
            took = time.perf_counter() - start
            self.stdout.write(
                f"{result.org.slug}: {result.people} people, {result.cycles} cycles, "
                f"{result.forms} forms, {result.action_items} action items, "
                f"{result.promotion_cases} promotion cases ({took:.1f} s)"
            )
        self.stdout.write(
            f"Log in as owner@, hr@, manager@ or employee@ORG-N.test; password: {PASSWORD}"
        )
