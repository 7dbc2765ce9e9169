"""`manage.py backup --out FILE`: a consistent copy of the whole database, taken while the
product keeps serving (SQLite's online backup API, or pg_dump). See core/backup.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup, check_versions


class Command(BaseCommand):
    # no system checks: they open the database through Django, and a backup must not wait
    # for (or fail on) a writer holding it
    requires_system_checks: list[str] = []
    help = "Back up the whole database to FILE (safe while the product is serving)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the backup file to write")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        path = Path(out).resolve()
        try:
            db = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if db.vendor == "postgresql":
            self.stdout.write(check_versions())
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {db.describe()} to {path} ({size / 1e6:.1f} MB).")
        )
