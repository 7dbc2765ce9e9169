"""Gap reports and team gaps at scale: figures, not a test.

1. One person's gap report (page and PDF) after 1 and after 6 released cycles of
   history: queries must not grow with the number of cycles.
2. The team gaps heatmap (and its CSV export) for HR at 200 and 2,000 people in one
   released cycle: queries must not grow with the number of people.

Seeds throwaway organizations on a temporary SQLite database (or DATABASE_URL) with
`core.demo.seed` and `growth.demo.seed_history`, then prints queries, median time and
peak Python memory per page.

    TESTING=1 .venv/bin/python bench/growth.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
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

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
HEAT_SIZES = [int(s) for s in os.environ.get("BENCH_HEAT_SIZES", "200,2000").split(",")]
CYCLES = int(os.environ.get("BENCH_CYCLES", "6"))


def measure(client: Client, path: str) -> tuple[int, float, float]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(queries), statistics.median(times), peak / 1e6


def client_for(email: str) -> Client:
    from django.contrib.auth import get_user_model

    from organizations.scoping import unscoped

    with unscoped():
        user = get_user_model().objects.get(email=email)
    client = Client()
    client.force_login(user)
    return client


def seeded(slug: str, people: int, cycles: int, *, plans: bool) -> float:
    from core.demo import seed
    from growth.demo import seed_history
    from organizations.models import Organization
    from organizations.scoping import scope, unscoped
    from people.models import Person

    start = time.perf_counter()
    seed(slug, people=people, seed=people)
    with unscoped():
        org = Organization.objects.get(slug=slug)
    with scope(org):
        emma = Person.objects.get(email=f"employee@{slug}.test")
    seed_history(
        org, cycles=cycles, seed=people, peers_for=[emma], plans=plans, conversations=plans
    )
    return time.perf_counter() - start


def row(label: str, figures: tuple[int, float, float]) -> str:
    q, ms, mb = figures
    return f"{label:<44}{q:>6} q {ms:>9.1f} ms {mb:>8.1f} MB"


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from organizations.models import Organization
    from organizations.scoping import scope, unscoped
    from people.models import Person
    from reviews.models import Participant

    lines = []
    # 1. one person's report, 1 and 6 cycles of history
    took = seeded("benchreport", 40, CYCLES, plans=True)
    print(f"seeded 40 people with {CYCLES} cycles of history in {took:.1f} s", flush=True)
    with unscoped():
        org = Organization.objects.get(slug="benchreport")
    with scope(org):
        emma = Person.objects.get(email="employee@benchreport.test")
        parts = list(Participant.objects.filter(person=emma).order_by("cycle__released_at"))
    employee = client_for("employee@benchreport.test")
    counts = {}
    for n, part in ((1, parts[0]), (len(parts), parts[-1])):
        page = measure(employee, f"/growth/reports/{part.public_id}/")
        pdf = measure(employee, f"/growth/reports/{part.public_id}/pdf/")
        counts[n] = (page[0], pdf[0])
        lines.append(row(f"gap report, {n} cycle(s) of history", page))
        lines.append(row(f"gap report PDF, {n} cycle(s) of history", pdf))
    plan = measure(employee, f"/growth/people/{emma.public_id}/plan/")
    lines.append(row(f"development plan after {CYCLES} cycles", plan))

    # 2. the heatmap at 200 and 2,000 people
    heat = {}
    for size in HEAT_SIZES:
        took = seeded(f"benchheat{size}", size, 1, plans=False)
        print(f"seeded {size} people with one released cycle in {took:.1f} s", flush=True)
        hr = client_for(f"hr@benchheat{size}.test")
        pages = [
            (f"team gaps, {size} people (largest family)", "/growth/team/"),
            (f"team gaps, {size} people, all families", "/growth/team/?family=all"),
            (f"team gaps by team, {size} people", "/growth/team/?group=team&family=all"),
            (f"team gaps CSV export, {size} people", "/growth/team/gaps.csv?family=all"),
            (f"team gaps xlsx export, {size} people", "/growth/team/gaps.xlsx?family=all"),
        ]
        for label, path in pages:
            figures = measure(hr, path)
            heat.setdefault(path, {})[size] = figures[0]
            lines.append(row(label, figures))
        lines.append(
            row(
                f"manager's team gaps, {size} people",
                measure(client_for(f"manager@benchheat{size}.test"), "/growth/team/"),
            )
        )

    print()
    print("\n".join(lines))
    flat_report = counts[1] == counts[len(parts)]
    flat_heat = all(len(set(v.values())) == 1 for v in heat.values())
    print(f"\nreport queries flat across cycles: {'yes' if flat_report else 'NO'} {counts}")
    print(f"heatmap queries flat across people: {'yes' if flat_heat else 'NO'} {heat}")


if __name__ == "__main__":
    main()
