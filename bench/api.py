"""Do the API's main lists stay constant in queries as the organization grows?

Seeds demo organizations of 200 and 2,000 people (BENCH_SIZES), opens a review cycle for
everyone (self and manager reviews), opens calibration, adds an action item for every
tenth person and opens a promotion case for every twentieth, then asks each main list
for a full page (limit=200) with an HR admin's token and prints queries and the median
time. Query counts must not grow with the
number of people or items. Figures, not a test.

    TESTING=1 .venv/bin/python bench/api.py
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
_tmp = tempfile.mkdtemp(prefix="clb-bench-api-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("API_RATE_LIMIT", "1000000/m")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "200,2000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def prepare(slug: str, size: int) -> tuple[str, str]:
    """Seed, open a cycle for everyone and calibrate it; returns (token, cycle id)."""
    from django.contrib.auth import get_user_model

    from api.tokens import create_token
    from core.demo import seed
    from growth.selectors import targets_for
    from growth.services import create_action_item
    from organizations.models import Organization
    from organizations.scoping import scope, unscoped
    from people.models import Person
    from promotions.selectors import candidate_for
    from promotions.services import open_case
    from reviews import services

    start = time.perf_counter()
    seed(slug, people=size, seed=size)
    with unscoped():
        org = Organization.objects.get(slug=slug)
        hr = get_user_model().objects.get(email=f"hr@{slug}.test")
    with scope(org):
        people = list(Person.objects.filter(is_active=True).exclude(level_uid=""))
        cycle = services.create_cycle(
            org,
            name="Bench cycle",
            actor=hr,
            participants=people,
            inputs={"self": True, "manager": True, "peers": 0},
        )
        cycle.refresh_from_db()
        services.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
        cycle.refresh_from_db()
        services.open_calibration(cycle, expected_revision=cycle.revision, actor=hr)
        for person in people[::10]:
            targets = targets_for(person)
            if targets:
                create_action_item(
                    person, actor=hr, competency_uid=targets[0].uid, title="Bench item"
                )
        for person in people[::20]:
            candidate = candidate_for(person)
            if candidate and candidate.targets and candidate.open_case is None:
                open_case(person, actor=hr, target_level_uid=candidate.targets[0].level_uid)
        _token, raw = create_token(org, user=hr, actor=hr, name="bench", write=False)
    took = time.perf_counter() - start
    print(f"prepared {size:>5} people ({len(people)} in the cycle) in {took:6.1f} s", flush=True)
    return raw, cycle.public_id


def lists(cycle_id: str) -> list[tuple[str, str]]:
    return [
        ("/people", "/api/v1/people?limit=200"),
        ("/people (last page)", "/api/v1/people?limit=200&offset=1800"),
        ("/frameworks", "/api/v1/frameworks?limit=200"),
        ("/cycles", "/api/v1/cycles?limit=200"),
        ("/cycles/{id}", f"/api/v1/cycles/{cycle_id}"),
        ("/cycles/{id}/forms", f"/api/v1/cycles/{cycle_id}/forms?limit=200"),
        ("/cycles/{id}/final-ratings", f"/api/v1/cycles/{cycle_id}/final-ratings?limit=200"),
        ("/action-items", "/api/v1/action-items?limit=200"),
        ("/promotions", "/api/v1/promotions?limit=200"),
        ("/analytics/promotions", "/api/v1/analytics/promotions?limit=200"),
    ]


def measure(client: Client, path: str, token: str) -> tuple[int, float, int]:
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code, response.content[:200])
    count = response.json().get("count", 0)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, headers=headers)
    return len(queries), statistics.median(times), count


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the rate limit's shared cache
    results: dict[str, dict[int, tuple[int, float, int]]] = {}
    for size in SIZES:
        token, cycle_id = prepare(f"apibench{size}", size)
        client = Client()
        for label, path in lists(cycle_id):
            results.setdefault(label, {})[size] = measure(client, path, token)
    header = f"{'list':<28}" + "".join(f"{f'{s} people':>30}" for s in SIZES) + "   flat?"
    print("\n" + header)
    print("-" * len(header))
    grew = []
    for label, by_size in results.items():
        cells = "".join(
            f"{by_size[s][0]:>4} q {by_size[s][1]:>7.1f} ms {by_size[s][2]:>6} items  "
            for s in SIZES
        )
        flat = "yes" if len({by_size[s][0] for s in SIZES}) == 1 else "NO"
        if flat == "NO":
            grew.append(label)
        print(f"{label:<28}{cells}   {flat}")
    if grew:
        print(f"\nQuery counts grew with the organization on: {', '.join(grew)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
