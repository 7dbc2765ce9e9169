"""Review cycles at size: launching a cycle (self, manager and 3 peers each) and HR's
completion dashboard, with the query counts that must not grow with the number of people.

On a throwaway SQLite database (or DATABASE_URL if set) it builds organizations of N
people on the Engineering template (managers of 25 people each), nominates 3 approved
peers per person in bulk (set-up, not measured), then measures:

- `launch_cycle` for 50 and 200 people: seconds and queries (forms and items created);
- the completion dashboard, a manager's team view and "Reviews" at 200 and 2,000
  people, with a third of the forms submitted: queries and median time.

Figures, not a test.   TESTING=1 .venv/bin/python bench/reviews.py
"""

from __future__ import annotations

import os
import random
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

LAUNCH_SIZES = [int(s) for s in os.environ.get("BENCH_LAUNCH", "50,200").split(",")]
PAGE_SIZES = [int(s) for s in os.environ.get("BENCH_DASHBOARD", "200,2000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TEAM = 25


def organization(size: int, tag: str):  # type: ignore[no-untyped-def]
    """An organization with `size` people on the Engineering ladder, HR and a manager
    with logins, and a draft cycle for everyone with 3 approved peers each."""
    from frameworks.library import start_from_template
    from frameworks.models import Level
    from frameworks.services import publish_draft
    from organizations.models import Role
    from organizations.scoping import scope
    from organizations.services import add_member, create_organization, create_user
    from people.models import Person
    from reviews import services
    from reviews.models import Participant, PeerNomination

    rng = random.Random(size)
    owner = create_user(f"owner@{tag}{size}.test", password=None, name="Olivia Owner")
    org = create_organization(name=f"Bench {size}", slug=f"{tag}{size}", owner=owner)
    with scope(org):
        hr = create_user(f"hr@{tag}{size}.test", password=None, name="Hana Hr")
        add_member(org, hr, role=Role.HR_ADMIN, actor=owner)
        draft = start_from_template(org, "engineering", actor=owner)
        version = publish_draft(draft, actor=owner, note="v1")
        levels = [lv for lv in Level.objects.filter(version=version) if lv.track != "manager"]
        lead = Level.objects.filter(version=version, track="manager").first()
        managers = Person.objects.bulk_create(
            Person(
                organization=org,
                name=f"Manager {m}",
                email=f"manager{m}@{tag}{size}.test",
                job_family=version.family,
                level=lead,
            )
            for m in range(max(1, size // TEAM))
        )
        manager_user = create_user(f"manager0@{tag}{size}.test", password=None, name="Manager 0")
        add_member(org, manager_user, role=Role.MEMBER, actor=owner)
        Person.objects.filter(pk=managers[0].pk).update(user=manager_user)
        people = Person.objects.bulk_create(
            Person(
                organization=org,
                name=f"Person {n:05d}",
                email=f"p{n}@{tag}{size}.test",
                job_family=version.family,
                level=rng.choice(levels[:4]),
                manager=managers[n % len(managers)],
            )
            for n in range(size - len(managers))
        )
        cycle = services.create_cycle(
            org,
            name="Bench cycle",
            actor=hr,
            rule={"kind": "everyone"},
            inputs={"self": True, "manager": True, "peers": 3},
        )
        parts = list(Participant.objects.filter(cycle=cycle))
        ids = [p.pk for p in people]
        PeerNomination.objects.bulk_create(
            PeerNomination(
                organization=org,
                participant=part,
                peer_id=ids[(i + k) % len(ids)],
                status="approved",
            )
            for i, part in enumerate(parts)
            for k in (1, 2, 3)
            if ids[(i + k) % len(ids)] != part.person_id
        )
        cycle.refresh_from_db()
    return org, hr, cycle


def launch(size: int) -> tuple[float, int, int, int, int]:
    from organizations.scoping import scope
    from reviews import services
    from reviews.models import FormItem, ReviewForm

    org, hr, cycle = organization(size, "launch")
    with scope(org), CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        services.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
        seconds = time.perf_counter() - start
    with scope(org):
        forms = ReviewForm.objects.filter(cycle=cycle).count()
        items = FormItem.objects.filter(form__cycle=cycle).count()
    inserts = sum(1 for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT"))
    return seconds, len(queries), len(queries) - inserts, forms, items


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


def dashboard(size: int) -> dict[str, tuple[int, float]]:
    from django.contrib.auth import get_user_model

    from organizations.scoping import scope, unscoped
    from reviews import services
    from reviews.models import ReviewForm

    org, hr, cycle = organization(size, "dash")
    with scope(org):
        services.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
        forms = list(ReviewForm.objects.filter(cycle=cycle).values_list("pk", flat=True))
        ReviewForm.objects.filter(pk__in=forms[::3]).update(status="submitted")
        ReviewForm.objects.filter(pk__in=forms[1::3]).update(status="in_progress")
    clients = {}
    for email in (f"hr@dash{size}.test", f"manager0@dash{size}.test"):
        with unscoped():
            user = get_user_model().objects.get(email=email)
        clients[email] = Client()
        clients[email].force_login(user)
    hr_client, manager_client = (
        clients[f"hr@dash{size}.test"],
        clients[f"manager0@dash{size}.test"],
    )
    return {
        "Completion dashboard (HR)": measure(hr_client, f"/reviews/cycles/{cycle.public_id}/"),
        "Review cycles list (HR)": measure(hr_client, "/reviews/cycles/"),
        "Team view (manager)": measure(manager_client, f"/reviews/cycles/{cycle.public_id}/team/"),
        "Reviews (manager)": measure(manager_client, "/reviews/"),
    }


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    columns = f"{'seconds':>9}{'queries':>9}{'not inserts':>13}{'forms':>8}{'items':>9}"
    print(f"{'launch (self, manager, 3 peers)':<34}{columns}")
    launches = {}
    for size in LAUNCH_SIZES:
        launches[size] = launch(size)
        s, q, other, f, i = launches[size]
        print(f"{f'{size} people':<34}{s:>9.2f}{q:>9}{other:>13}{f:>8}{i:>9}", flush=True)
    flat = len({v[2] for v in launches.values()}) == 1
    print(
        f"launch queries other than bulk-insert batches flat in people: {'yes' if flat else 'NO'}"
        " (inserts go in batches the database allows: about 1 per 1,000 rows on SQLite)\n"
    )
    results: dict[str, dict[int, tuple[int, float]]] = {}
    for size in PAGE_SIZES:
        for label, figures in dashboard(size).items():
            results.setdefault(label, {})[size] = figures
    header = (
        f"{'page':<28}" + "".join(f"{f'{s} people':>22}" for s in PAGE_SIZES) + "   queries flat?"
    )
    print(header)
    print("-" * len(header))
    for label, by_size in results.items():
        cells = "".join(f"{by_size[s][0]:>6} q {by_size[s][1]:>8.1f} ms  " for s in PAGE_SIZES)
        same = len({by_size[s][0] for s in PAGE_SIZES}) == 1
        print(f"{label:<28}{cells}   {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
