"""Do pages stay as quick, in queries and time, as the organization grows?

Seeds demo organizations of 50, 200 and 1,000 people (same ladders) on a throwaway
SQLite database (or DATABASE_URL if set) and prints, per page and size, the number of
queries and the median render time. Query counts must not grow with the size of the
organization; times show what does. Figures, not a test.

    TESTING=1 .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
os.environ.setdefault("TESTING", "1")
_tmp = tempfile.mkdtemp(prefix="clb-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "50,200,1000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def pages(slug: str) -> list[tuple[str, str, str]]:
    """(label, login, path) for the pages worth watching."""
    from frameworks.models import JobFamily
    from organizations.models import Organization
    from organizations.scoping import scope, unscoped
    from people.models import Person

    with unscoped():
        org = Organization.objects.get(slug=slug)
    with scope(org):
        family = JobFamily.objects.get(key="engineering")
        someone = Person.objects.filter(manager__isnull=False).exclude(level_uid="").first()
        assert someone is not None
    hr, manager, employee = (f"{who}@{slug}.test" for who in ("hr", "manager", "employee"))
    return [
        ("Home (HR admin)", hr, "/home/"),
        ("Home (employee)", employee, "/home/"),
        ("People list", hr, "/people/"),
        ("People list, filtered", hr, "/people/?q=a&status=active"),
        ("Org chart", hr, "/people/org-chart/"),
        ("My team (manager)", manager, "/people/team/"),
        ("Person detail", hr, f"/people/{someone.public_id}/"),
        ("My ladder (employee)", employee, "/frameworks/my-ladder/"),
        ("Frameworks index", hr, "/frameworks/"),
        ("Family versions", hr, f"/frameworks/{family.public_id}/"),
        ("Audit log", hr, "/organization/audit-log/"),
        ("Template library", hr, "/frameworks/templates/"),
    ]


def measure(client: Client, path: str) -> tuple[int, float]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries), statistics.median(times)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from core.demo import seed
    from organizations.scoping import unscoped

    results: dict[str, dict[int, tuple[int, float]]] = {}
    for size in SIZES:
        slug = f"bench{size}"
        start = time.perf_counter()
        seed(slug, people=size, seed=size)
        print(f"seeded {size:>5} people in {time.perf_counter() - start:5.1f} s", flush=True)
        clients: dict[str, Client] = {}
        for label, login, path in pages(slug):
            if login not in clients:
                with unscoped():
                    user = get_user_model().objects.get(email=login)
                clients[login] = Client()
                clients[login].force_login(user)
            results.setdefault(label, {})[size] = measure(clients[login], path)
    header = f"{'page':<26}" + "".join(f"{f'{s} people':>22}" for s in SIZES) + "   queries flat?"
    print("\n" + header)
    print("-" * len(header))
    grew = []
    for label, by_size in results.items():
        cells = "".join(f"{by_size[s][0]:>6} q {by_size[s][1]:>8.1f} ms  " for s in SIZES)
        counts = {by_size[s][0] for s in SIZES}
        flat = "yes" if len(counts) == 1 else "NO"
        if flat == "NO":
            grew.append(label)
        print(f"{label:<26}{cells}   {flat}")
    if grew:
        print(f"\nQuery counts grew with the organization on: {', '.join(grew)}")


if __name__ == "__main__":
    main()
