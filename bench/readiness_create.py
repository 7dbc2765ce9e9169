"""What adding one person costs when promotions recomputes their readiness: people are
created one by one with `people.services.create_person` (the web form's, SCIM's and the
promotions tests' path) in an organization with published ladders and a released review
cycle, then the same with the readiness receiver disconnected; and the queries of one
create in that organization and in one with no ladder at all.

    .venv/bin/python bench/readiness_create.py      (BENCH_PEOPLE=200 BENCH_CREATES=60,
                                                     BENCH_LADDER=big: a 12 × 20 ladder)
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench._settings"
os.environ.setdefault("TESTING", "1")
_tmp = tempfile.mkdtemp(prefix="clb-bench-ready-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench._common import save_figures  # noqa: E402

SIZE = int(os.environ.get("BENCH_PEOPLE", "200"))
CREATES = int(os.environ.get("BENCH_CREATES", "60"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
BIG = os.environ.get("BENCH_LADDER", "") == "big"


def main() -> None:
    from core.demo_scale import seed_scale, seed_small
    from frameworks.models import JobFamily
    from organizations.scoping import scope
    from people import signals
    from people.models import Person
    from people.services import create_person
    from promotions import receivers

    call_command("migrate", verbosity=0)
    org = seed_scale("ready", people=SIZE, cycles=1, seed=SIZE).org
    bare = seed_small("bare", 1, people=5)[0]
    with scope(org):
        owner = Person.objects.get(email="owner@ready.test")
        if BIG:  # 12 levels × 20 competencies, as the Master Template benchmark's families
            from tests.framework_fixtures import big_family, load

            data = big_family()
            data.name, data.key = "Big ladder", "big-ladder"
            load(org, data, actor=owner.user, publish=True)
            family = JobFamily.objects.get(key="big-ladder")
        else:
            family = JobFamily.objects.get(key="engineering")
        version = family.versions.filter(status="published").latest("number")
        level = version.levels.order_by("rank", "pk")[1]
        manager = Person.objects.filter(job_family=family).exclude(level_uid="").first()
    serial = iter(range(1_000_000))

    def add(where, *, placed=True):
        n = next(serial)
        return create_person(
            where,
            actor=owner.user,
            name=f"New {n}",
            email=f"new{n}@{where.slug}.test",
            manager=manager if placed else None,
            job_family=family if placed else None,
            level=level if placed else None,
        )

    figures: dict[str, object] = {"people": SIZE, "creates": CREATES}
    with scope(org):
        figures["statements_in_ladder"] = version.statements.count()
    with scope(org):
        add(org)  # warm
        with CaptureQueriesContext(connection) as q:
            add(org)
        figures["queries_one_create_ladder"] = len(q.captured_queries)
        if PROFILE:
            for i, query in enumerate(q.captured_queries):
                print(f"{i:3} {query['time']:>6} {query['sql'][:160]}")
            prof = cProfile.Profile()
            prof.enable()
            add(org)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    with scope(bare):
        with CaptureQueriesContext(connection) as q:
            add(bare, placed=False)
        figures["queries_one_create_no_ladder"] = len(q.captured_queries)

    def block(n: int) -> tuple[float, float]:
        with scope(org):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(n):
                add(org)
            return time.perf_counter() - wall, time.process_time() - cpu

    def disconnected(n: int) -> tuple[float, float]:
        signals.placement_changed.disconnect(dispatch_uid="promotions.readiness_on_placement")
        try:
            return block(n)
        finally:
            signals.placement_changed.connect(
                receivers.readiness_on_placement, dispatch_uid="promotions.readiness_on_placement"
            )

    # with and without the recompute in alternating blocks of 10, so that a change in the
    # machine's load during the run weighs on both alike; wall and CPU seconds
    totals = {"with": [0.0, 0.0], "without": [0.0, 0.0]}
    for _ in range(0, CREATES, 10):
        for side, fn in (("with", block), ("without", disconnected)):
            wall, cpu = fn(10)
            totals[side][0] += wall
            totals[side][1] += cpu
    for side, (wall, cpu) in totals.items():
        figures[f"seconds_{side}_readiness"] = round(wall, 2)
        figures[f"cpu_seconds_{side}_readiness"] = round(cpu, 2)
    figures["ms_readiness_per_person_cpu"] = round(
        1000 * (totals["with"][1] - totals["without"][1]) / CREATES, 1
    )
    figures["load"] = os.getloadavg()
    for k, v in figures.items():
        print(f"{k}: {v}")
    save_figures("readiness_create", figures)


if __name__ == "__main__":
    main()
