"""Cycle launch alone, quickly and repeatably (issue 10): how long `launch_cycle` takes
and how many queries it runs for organizations of BENCH_LAUNCH_SIZES people (self,
manager and 3 approved peers each, the next level rated too, as `bench/scale.py`
launches).

Each size is seeded once (`core.demo_scale.seed_scale` with no released cycle, then a
draft cycle for everyone and the peers approved) into a SQLite file kept in
BENCH_LAUNCH_CACHE (default: the system's temporary directory), keyed by the size and
the seeding code; every run launches on a fresh copy of it, so runs compare. With
BENCH_LAUNCH_PROFILE=1 the launch runs under cProfile and the top functions are printed
by cumulative and by own time.

    .venv/bin/python bench/launch.py                          (50,200,2000)
    BENCH_LAUNCH_SIZES=500 BENCH_LAUNCH_PROFILE=1 .venv/bin/python bench/launch.py
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = [int(s) for s in os.environ.get("BENCH_LAUNCH_SIZES", "50,200,2000").split(",")]
PEERS = 3
PROFILE = os.environ.get("BENCH_LAUNCH_PROFILE") == "1"
CACHE = Path(os.environ.get("BENCH_LAUNCH_CACHE", tempfile.gettempdir()))


def _seed_key() -> str:
    """Changes when the seeding or the schema may: the demo seeding, the benchmark's
    helpers and every migration."""
    digest = hashlib.sha256()
    paths = [ROOT / "core" / "demo_scale.py", ROOT / "bench" / "_common.py"]
    paths += sorted(ROOT.glob("*/migrations/*.py"))
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def seeded(size: int) -> Path:
    """The cached database of one size, seeded (in a child process) when missing."""
    path = CACHE / f"clb-bench-launch-{size}-{_seed_key()}.sqlite3"
    if not path.exists():
        start = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{partial}", "BENCH_LAUNCH_SEED": "1"}
        subprocess.run(
            [sys.executable, __file__, str(size)], env=env, check=True, stdout=subprocess.DEVNULL
        )
        partial.rename(path)
        print(f"seeded {size} people in {time.perf_counter() - start:.0f} s", flush=True)
    return path


def _setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench._settings"
    os.environ.setdefault("TESTING", "1")
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def seed(size: int) -> None:
    """In the child process: migrate, seed the organization and its draft cycle."""
    _setup()
    from django.core.management import call_command

    from bench._common import approve_peers
    from core.demo_scale import seed_scale
    from organizations.scoping import scope
    from people.models import Person
    from reviews import services

    call_command("migrate", verbosity=0)
    slug = f"launch{size}"
    org = seed_scale(slug, people=size, cycles=0, seed=size).org
    from django.contrib.auth import get_user_model

    hr = get_user_model().objects.get(email=f"hr@{slug}.test")
    with scope(org):
        everyone = list(Person.objects.exclude(level_uid="").order_by("pk"))
        draft = services.create_cycle(
            org,
            name="Launch benchmark",
            actor=hr,
            participants=everyone,
            inputs={"self": True, "manager": True, "peers": PEERS},
            include_next_level=True,
        )
        approve_peers(org, draft, PEERS)


def launch(size: int) -> dict[str, object]:
    """In the child process: launch the draft cycle of a fresh copy, timed."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from organizations.models import Organization
    from organizations.scoping import scope
    from reviews import services
    from reviews.models import FormItem, ReviewCycle, ReviewForm

    slug = f"launch{size}"
    org = Organization.objects.get(slug=slug)
    hr = get_user_model().objects.get(email=f"hr@{slug}.test")
    with scope(org):
        draft = ReviewCycle.objects.get(name="Launch benchmark")
        profiler = None
        if PROFILE:
            import cProfile

            profiler = cProfile.Profile()
        queries = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        # counted by an execute wrapper, not CaptureQueriesContext: its debug cursor
        # formats every parameter of an executemany, seconds the web view never spends
        with connection.execute_wrapper(count):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            services.launch_cycle(draft, expected_revision=draft.revision, actor=hr)
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - start
        figures = {
            "people": draft.participants.count(),
            "seconds": round(seconds, 2),
            "queries": len(queries),
            "forms": ReviewForm.objects.filter(cycle=draft).count(),
            "items": FormItem.objects.filter(form__cycle=draft).count(),
        }
    if profiler:
        import pstats

        for order in ("cumulative", "tottime"):
            print(f"--- by {order}")
            pstats.Stats(profiler).sort_stats(order).print_stats(30)
    return figures


def main() -> int:
    if os.environ.get("BENCH_LAUNCH_SEED") == "1":
        seed(int(sys.argv[1]))
        return 0
    if os.environ.get("BENCH_LAUNCH_RUN") == "1":
        print(launch(int(sys.argv[1])), flush=True)
        return 0
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores", flush=True)
    for size in SIZES:
        source = seeded(size)
        work = Path(tempfile.mkdtemp(prefix="clb-bench-launch-"))
        copy = work / "db.sqlite3"
        shutil.copyfile(source, copy)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{copy}", "BENCH_LAUNCH_RUN": "1"}
        try:
            subprocess.run([sys.executable, __file__, str(size)], env=env, check=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
