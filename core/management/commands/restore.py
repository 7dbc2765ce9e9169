"""`manage.py restore FILE`: replace the whole database with a backup made by `manage.py
backup`. Asks first (`--yes` skips the question). Stop the web and worker processes
before restoring; start them after. See core/backup.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, Database, fingerprint, kind_of, restore


class Command(BaseCommand):
    # no system checks: they open the database through Django, and a backup must not wait
    # for (or fail on) a writer holding it
    requires_system_checks: list[str] = []
    help = "Replace the whole database with a backup made by `manage.py backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, file: str, yes: bool, **options: Any) -> None:
        path = Path(file).resolve()
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            kind_of(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        db = Database.of()
        taken = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        if not yes:
            self.stdout.write(
                f"This replaces everything in {db.describe()} with the backup {path} "
                f"(written {taken}). Anything changed since then is lost.\n"
                "Stop the web and worker processes first."
            )
            answer = input("Type 'yes' to restore: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = fingerprint()
        rows = sum(count for count, _ in tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {db.describe()} from {path}: {len(tables)} tables, {rows:,} rows. "
                "Run `manage.py migrate` if this backup is older than the code."
            )
        )
