"""Lint statements read from standard input, one per line.

    python manage.py lint_statements < statements.txt

Prints one JSON object per line: {"statement": ..., "score": ..., "flags": [...]}
(`flags` is an empty list when the statement is clean). Blank lines are skipped.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from frameworks.linter import lint_statement


class Command(BaseCommand):
    help = "Lint career-ladder statements, one per line on standard input; prints JSON lines."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--evidence",
            action="append",
            default=[],
            help="An evidence kind tagged on every statement (repeatable), e.g. metric",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        for line in stdin:
            text = line.strip()
            if not text:
                continue
            result = lint_statement(text, evidence=options["evidence"])
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
