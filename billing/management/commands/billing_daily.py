"""Once a day (cron, or the scheduler): billing reminders, and read-only when a trial or a
paid period has ended. Safe to run more often: each e-mail and change happens once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from billing.services import run_daily


class Command(BaseCommand):
    help = "Send billing reminders and make organizations whose paid period ended read-only."

    def handle(self, *args: Any, **options: Any) -> None:
        report = run_daily()
        for slug, done in report.items():
            self.stdout.write(f"{slug}: {', '.join(done)}")
        self.stdout.write(
            self.style.SUCCESS(f"Billing checked; {len(report)} organization(s) changed.")
        )
