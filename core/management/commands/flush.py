"""Django's `flush`, inside `db_guards.purging()`: emptying the database removes
published framework versions too, which the delete guards otherwise refuse (the test
suite flushes between transactional tests)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from organizations.db_guards import purging


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with purging(options.get("database") or "default"):
            super().handle(**options)
