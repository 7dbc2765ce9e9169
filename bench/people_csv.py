"""How long does the people CSV import take at its limit (5,000 rows), through its pages?

An organization started from the Product Management template (published) with 5 people;
a CSV of 5,000 new people (managers further down the file, levels, start dates, titles)
is uploaded, previewed and confirmed as an HR admin would (the Django test client, so
the middleware and the templates count); then a second file updates all of them (a new
title and level each). Prints seconds and queries of each step. Figures, not a test.

    .venv/bin/python bench/people_csv.py       (BENCH_CSV_ROWS=5000)
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench._settings",
    TESTING=os.environ.get("TESTING", "1"),
    DATABASE_URL=os.environ.get("DATABASE_URL")
    or f"sqlite:///{tempfile.mkdtemp(prefix='clb-bench-csv-')}/bench.sqlite3",
)
import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench._common import save_figures  # noqa: E402

ROWS = int(os.environ.get("BENCH_CSV_ROWS", "5000"))
FIGURES: dict[str, Any] = {"rows": ROWS, "seconds": {}, "queries": {}}
LEVELS = ["APM", "PM", "SPM", "GPM", "DIR"]


def csv_text(title: str, shift: int) -> bytes:
    """Person i reports to person (i - 1) // 10; the rows go bottom up, so every manager
    comes later in the file than their reports."""
    lines = []
    for i in range(ROWS):
        manager = f"p{(i - 1) // 10}@bench.example" if i else ""
        level = LEVELS[(i + shift) % len(LEVELS)]
        start = f"{1 + i % 28:02d}/{1 + i % 12:02d}/20{10 + i % 14}"
        lines.append(
            f"Person {i},p{i}@bench.example,{title} {i},{manager},Product Management,"
            f"{level},{start}"
        )
    header = "Name,Email,Job title,Manager email,Job family,Level,Start date"
    return ("\n".join([header, *reversed(lines)]) + "\n").encode()


def step(label: str, fn: Any) -> Any:
    count = [0]

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        start = time.perf_counter()
        result = fn()
        took = time.perf_counter() - start
    FIGURES["seconds"][label] = round(took, 2)
    FIGURES["queries"][label] = count[0]
    print(f"{label:<40} {took:7.2f} s {count[0]:7d} queries", flush=True)
    return result


def run(client: Client, name: str, content: bytes, expected: str) -> None:
    response = step(
        f"{name}: upload",
        lambda: client.post(
            "/people/import/", {"file": SimpleUploadedFile("people.csv", content, "text/csv")}
        ),
    )
    assert response.status_code == 302, response.content[:3000]
    location = response["Location"]
    page = step(f"{name}: preview", lambda: client.get(location)).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page)
    assert digest, re.findall(r"Row \d+, column [^<]*", page)[:5]
    done = step(f"{name}: confirm", lambda: client.post(location, {"digest": digest.group(1)}))
    assert done.status_code == 302, done.content[:3000]
    listing = client.get(done["Location"]).content.decode()
    assert expected in listing, re.findall(r"Import[^<]*", listing)


def main() -> None:
    from core.demo_scale import seed_small
    from frameworks.library import start_from_template
    from frameworks.services import publish_draft
    from organizations.scoping import scope
    from people.models import Person

    call_command("migrate", verbosity=0)
    org = seed_small("csv", 1, people=5)[0]
    with scope(org):
        owner = Person.objects.get(manager=None).user
        draft = start_from_template(org, "product-management", actor=owner)
        publish_draft(draft, actor=owner, note="bench")
    client = Client(HTTP_HOST="localhost")
    client.force_login(owner)
    print(f"People CSV import, {ROWS:,} rows ({connection.vendor})")
    run(client, "add", csv_text("Engineer", 0), f"{ROWS} added, 0 updated")
    run(client, "update", csv_text("Senior", 1), f"0 added, {ROWS} updated")
    with scope(org):
        assert Person.objects.count() == ROWS + 5
    save_figures("people_csv", FIGURES)


if __name__ == "__main__":
    main()
