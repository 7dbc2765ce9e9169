"""The main benchmark: do pages and API lists stay fast, in time and in queries, as an
organization grows among many others?

One throwaway SQLite database (or DATABASE_URL) holds 500 small organizations
(`core.demo_scale.seed_small`) and organizations of 50, 200 and 2,000 people
(`core.demo_scale.seed_scale`: three ladders, reporting lines, a released cycle, a cycle
in calibration, action items, promotion cases, fairness answers; the employee whose gap
report is measured has 5 released cycles more, so 6 cycles of history). In each of those, a
new cycle for everyone is set up and launched (timed), a third of its forms submitted
and a third started. Then, through the Django test client and the full middleware
stack, each main page and API list is requested RUNS times (after a warm-up) as the
role that uses it; the floor (`/bench/floor/`: one query, same middleware) is
measured the same way in the same run. Each page's `ratio` is its p95 over the floor's.

Targets (issue 15): at 2,000 people every page's p95 within 3x the floor, and every
page's query count the same at every size. A web process's peak RSS is measured in a
fresh process that serves the 2,000-person pages (bench/_web.py).

    TESTING=1 .venv/bin/python bench/scale.py        (BENCH_SIZES, BENCH_RUNS, BENCH_TENANTS)

To work on a few pages, without `make bench`'s whole run (which takes no options):

    .venv/bin/python bench/scale.py --sizes 2000 --only calibration,heatmap --cache

`--sizes` and `--runs` override BENCH_SIZES and BENCH_RUNS; `--only` measures only the
pages and API lists whose label contains one of its comma-separated words (the floor
always); `--no-memory` skips the web process's peak RSS (with `--only` it serves only
those pages). `--cpu` times each request by the process's CPU time
(`time.process_time`: SQLite runs in the process too) instead of the wall clock, which a
machine shared with other work inflates less. `--profile` prints, for each page measured,
a cProfile of one more request (by cumulative and own time) and its queries, slowest
first, with their times.
`--cache` seeds once into a SQLite file kept in BENCH_SCALE_CACHE (default:
the system's temporary directory), keyed by the sizes, the tenants, the seeding code and
the migrations, with every organization seeded and its new cycle set up but not
launched; each run works on a fresh copy of it (the set-up pages, the launch, the filled
forms, `ANALYZE`), so runs compare.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Pages and API lists at scale (issue 15).")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "50,200,2000"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "20")))
    parser.add_argument("--only", default="", help="comma-separated words of the labels")
    parser.add_argument("--no-memory", action="store_true", help="skip the web process RSS")
    parser.add_argument("--cache", action="store_true", help="reuse a seeded SQLite copy")
    parser.add_argument(
        "--cpu", action="store_true", help="time each request by the process's CPU time"
    )
    parser.add_argument(
        "--profile", action="store_true", help="a cProfile and the SQL of each page measured"
    )
    return parser.parse_args(argv)


OPTIONS = _options(sys.argv[1:])
os.environ["DJANGO_SETTINGS_MODULE"] = "bench._settings"
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("API_RATE_LIMIT", "1000000/m")
_tmp = tempfile.mkdtemp(prefix="clb-bench-scale-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)  # the database: 160 MB at 2,000
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench._common import (  # noqa: E402
    approve_peers,
    save_figures,
    scale_rows,
    summary,
)
from clb.process import settle  # noqa: E402

SIZES = [int(s) for s in OPTIONS.sizes.split(",")]
RUNS = OPTIONS.runs
ONLY = [word.strip().lower() for word in OPTIONS.only.split(",") if word.strip()]
CACHE = Path(os.environ.get("BENCH_SCALE_CACHE", tempfile.gettempdir()))
TENANTS = int(os.environ.get("BENCH_TENANTS", "500"))
TARGET_SIZE = max(SIZES)
TARGET_RATIO = 3.0
RSS_TARGET_MB = 200
PEERS = 3  # approved peers per participant in the launched cycle

errors: list[str] = []
lost: list[str] = []


def seed(size: int) -> dict[str, Any]:
    """Seed the organization and set up (not launch) a new cycle for everyone. Returns
    what the rest needs, as JSON (kept beside a cached database)."""
    from django.contrib.auth import get_user_model

    from api.tokens import create_token
    from core.demo_scale import add_history, seed_scale
    from frameworks.models import JobFamily
    from frameworks.services import start_draft
    from organizations.scoping import scope, unscoped
    from people.models import Person
    from reviews import services
    from reviews.models import ReviewCycle

    slug = f"scale{size}"
    start = time.perf_counter()
    result = seed_scale(slug, people=size, cycles=1, seed=size)
    seeded = time.perf_counter() - start
    org = result.org
    with unscoped():
        hr = get_user_model().objects.get(email=f"hr@{slug}.test")
    with scope(org):
        family = JobFamily.objects.get(key="engineering")
        start_draft(family, actor=hr)
        employee = Person.objects.get(email=f"employee@{slug}.test")
        released = ReviewCycle.objects.get(status="released")
        # the employee's gap report is measured with 6 cycles of history (issue 15): 5 more
        # released cycles before that one, for the employee alone
        add_history(org, hr, [employee], cycles=5, before=released.released_at.date())
        calibrating = ReviewCycle.objects.get(status="calibration")
        everyone = Person.objects.exclude(level_uid="").order_by("pk")
        draft = services.create_cycle(
            org,
            name="Deadline-day review",
            actor=hr,
            participants=list(everyone),
            inputs={"self": True, "manager": True, "peers": PEERS},
            include_next_level=True,
        )
        nominations = approve_peers(org, draft, PEERS)  # issue 10: self, manager, 3 peers
        _token, raw = create_token(org, user=hr, actor=hr, name="bench")
    ids = {
        "family": family.public_id,
        "employee": employee.public_id,
        "released": released.public_id,
        "calibrating": calibrating.public_id,
        "draft": draft.public_id,
    }
    return {"ids": ids, "token": raw, "nominations": nominations, "seconds": seeded}


def prepare(size: int, seeded: dict[str, Any]) -> dict[str, Any]:
    """Read the set-up pages of the seeded organization's new cycle, launch it (timed)
    and fill part of it. Returns what the pages need."""
    from django.contrib.auth import get_user_model

    from growth.models import ActionItem
    from organizations.models import Organization
    from organizations.scoping import scope, unscoped
    from people.models import Person
    from promotions.models import PromotionCase
    from reviews import services
    from reviews.models import FormItem, Participant, ReviewCycle, ReviewForm

    slug = f"scale{size}"
    ids, raw, nominations = dict(seeded["ids"]), seeded["token"], seeded["nominations"]
    seeded_s = seeded["seconds"]
    with unscoped():
        org = Organization.objects.get(slug=slug)
        users = {
            who: get_user_model().objects.get(email=f"{who}@{slug}.test")
            for who in ("hr", "manager", "employee")
        }
    with scope(org):
        employee = Person.objects.get(public_id=ids["employee"])
        released = ReviewCycle.objects.get(public_id=ids["released"])
        draft = ReviewCycle.objects.get(public_id=ids["draft"])
        everyone = Person.objects.exclude(level_uid="").count()
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    # the set-up pages of the draft cycle, before it is launched
    setup = {
        "Cycle set-up: people (HR)": ("hr", f"/reviews/cycles/{ids['draft']}/setup/people/"),
        "Cycle set-up: check (HR)": ("hr", f"/reviews/cycles/{ids['draft']}/setup/check/"),
    }
    pages_before = {
        label: measure(clients[who], path)
        for label, (who, path) in setup.items()
        if selected(label)
    }
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    # counted by an execute wrapper: CaptureQueriesContext's debug cursor would format
    # every parameter of the launch's executemany (seconds the web view never spends)
    with scope(org), connection.execute_wrapper(count):
        start = time.perf_counter()
        services.launch_cycle(draft, expected_revision=draft.revision, actor=users["hr"])
        launch_s = time.perf_counter() - start
    with scope(org):
        forms = list(
            ReviewForm.objects.filter(cycle=draft).order_by("pk").values_list("pk", flat=True)
        )
        ReviewForm.objects.filter(pk__in=forms[::3]).update(status="submitted")
        ReviewForm.objects.filter(pk__in=forms[1::3]).update(status="in_progress")
        mine = ReviewForm.objects.get(cycle=draft, kind="manager", participant__person=employee)
        part = Participant.objects.get(cycle=released, person=employee)
        launch = {
            "seconds": round(launch_s, 2),
            "queries": len(queries),
            "participants": everyone,
            "peer_nominations": nominations,
            "forms": len(forms),
            "items": FormItem.objects.filter(form__cycle=draft).count(),
        }
        data = {
            "people": Person.objects.count(),
            "forms": ReviewForm.objects.count(),
            "form_items": FormItem.objects.count(),
            "action_items": ActionItem.objects.count(),
            "promotion_cases": PromotionCase.objects.count(),
            "seed_seconds": round(seeded_s, 1),
        }
    ids.update(open=draft.public_id, form=mine.public_id, participant=part.public_id)
    print(
        f"{slug}: {data['people']} people, {data['forms']} forms, {data['form_items']} items, "
        f"{data['action_items']} action items, {data['promotion_cases']} cases; seeded in "
        f"{seeded_s:.0f} s; launch {launch_s:.1f} s",
        flush=True,
    )
    return {
        "ids": ids,
        "clients": clients,
        "token": raw,
        "launch": launch,
        "data": data,
        "before": pages_before,
    }


def pages(ids: dict[str, str]) -> dict[str, tuple[str, str]]:
    """label -> (who, path): the main pages, each as the role that uses it."""
    return {
        "Dashboard (HR admin)": ("hr", "/home/"),
        "Dashboard (manager)": ("manager", "/home/"),
        "Dashboard (employee)": ("employee", "/home/"),
        "People list (HR)": ("hr", "/people/"),
        "My team (manager)": ("manager", "/people/team/"),
        "Framework editor (HR)": ("hr", f"/frameworks/{ids['family']}/edit/"),
        "My ladder (employee)": ("employee", "/frameworks/my-ladder/"),
        "Review cycles (HR)": ("hr", "/reviews/cycles/"),
        "Completion dashboard (HR)": ("hr", f"/reviews/cycles/{ids['open']}/"),
        "Team progress (manager)": ("manager", f"/reviews/cycles/{ids['open']}/team/"),
        "My reviews (manager)": ("manager", "/reviews/"),
        "Review form (manager)": ("manager", f"/reviews/forms/{ids['form']}/"),
        "Calibration (HR)": ("hr", f"/reviews/cycles/{ids['calibrating']}/calibration/"),
        "Gap report (employee)": ("employee", f"/growth/reports/{ids['participant']}/"),
        "Team gaps heatmap (HR)": ("hr", "/growth/team/"),
        "Promotion list (HR)": ("hr", "/promotions/"),
        "Promotion readiness (HR)": ("hr", "/promotions/readiness/"),
        "Fairness analytics (HR)": ("hr", "/fairness/"),
    }


def api_lists(ids: dict[str, str]) -> dict[str, str]:
    """label -> path: the main API lists (docs/spec/api.md), default page size."""
    return {
        "GET /api/v1/people": "/api/v1/people",
        "GET /api/v1/frameworks": "/api/v1/frameworks",
        "GET /api/v1/cycles": "/api/v1/cycles",
        "GET /api/v1/cycles/{id}/forms": f"/api/v1/cycles/{ids['open']}/forms",
        "GET /api/v1/cycles/{id}/final-ratings": (
            f"/api/v1/cycles/{ids['calibrating']}/final-ratings"
        ),
        "GET /api/v1/action-items": "/api/v1/action-items",
        "GET /api/v1/promotions": "/api/v1/promotions",
        "GET /api/v1/promotions/readiness": "/api/v1/promotions/readiness",
        "GET /api/v1/promotion-rounds": "/api/v1/promotion-rounds",
        "GET /api/v1/analytics/promotions": "/api/v1/analytics/promotions",
    }


def selected(label: str) -> bool:
    """Whether `--only` (if given) asks for this page or API list."""
    return not ONLY or any(word in label.lower() for word in ONLY)


def _seed_key() -> str:
    """Changes when what a cached database holds may: the sizes, the other organizations,
    the seeding code (the demo's, `seed` here) and every migration."""
    digest = hashlib.sha256(f"{SIZES}-{TENANTS}-{PEERS}".encode())
    digest.update(inspect.getsource(seed).encode())
    paths = [ROOT / "core" / "demo_scale.py", ROOT / "bench" / "_common.py"]
    paths += sorted(ROOT.glob("*/migrations/*.py"))
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def seed_all() -> dict[int, dict[str, Any]]:
    """Migrate, seed the other organizations and every size; with `--cache`, copy the
    cached database instead when it exists, or keep a copy of this one for next time."""
    cached = CACHE / f"clb-bench-scale-{_seed_key()}.sqlite3"
    facts = cached.with_suffix(".json")
    ours = Path(connection.settings_dict["NAME"])
    if OPTIONS.cache and connection.vendor == "sqlite" and cached.exists() and facts.exists():
        connection.close()
        shutil.copyfile(cached, ours)
        print(f"database: a copy of {cached}", flush=True)
        seeded = json.loads(facts.read_text(encoding="utf-8"))
        return {int(size): seeded[str(size)] for size in SIZES}
    migrate_and_seed_tenants()
    seeded = {size: seed(size) for size in SIZES}
    if OPTIONS.cache and connection.vendor == "sqlite":
        partial = cached.with_suffix(".partial")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(partial)])
        partial.rename(cached)
        facts.write_text(json.dumps(seeded), encoding="utf-8")
        print(f"database: kept in {cached}", flush=True)
    return seeded


def migrate_and_seed_tenants() -> None:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from core.demo_scale import seed_small

    t = time.perf_counter()
    seed_small("tenant", TENANTS)
    print(
        f"database: migrated in {t - start:.0f} s; {TENANTS} other organizations in "
        f"{time.perf_counter() - t:.1f} s",
        flush=True,
    )


def _get(client: Client, path: str, headers: dict[str, str] | None, label: str) -> int:
    try:
        response = client.get(path, headers=headers or {})
    except Exception as error:
        lost.append(f"{label}: {type(error).__name__}: {error}")
        return 0
    if response.status_code != 200:
        errors.append(f"{label}: HTTP {response.status_code}")
    return response.status_code


def measure(client: Client, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    clock = time.process_time if OPTIONS.cpu else time.perf_counter
    start = clock()
    status = _get(client, path, headers, path)  # warm-up (and the status it answers)
    warm = clock() - start
    # a page that takes seconds gets fewer runs (at least 5), so the run stays bounded
    runs = RUNS if warm < 0.5 else max(5, min(RUNS, int(10 / warm)))
    times = []
    for _ in range(runs):
        start = clock()
        _get(client, path, headers, path)
        times.append((clock() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        _get(client, path, headers, path)
    return {**summary(times), "queries": len(queries), "status": status}


def profile(label: str, client: Client, path: str, headers: dict[str, str] | None = None) -> None:
    """One more request under cProfile, then again with its queries and their times."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    _get(client, path, headers, path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)
    with CaptureQueriesContext(connection) as queries:
        _get(client, path, headers, path)
    timed = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in timed)
    print(f"\n##### {label}: {path}\n{out.getvalue()}")
    print(f"{len(timed)} queries, {total * 1000:.1f} ms of SQL, slowest first:")
    for query in timed:
        print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:600]}")


def memory(ids: dict[str, str], token: str) -> dict[str, Any]:
    """Peak RSS of a fresh process serving the largest organization's pages."""
    plan = {
        "pages": {label: page for label, page in pages(ids).items() if selected(label)},
        "api": {label: path for label, path in api_lists(ids).items() if selected(label)},
        "token": token,
        "slug": f"scale{TARGET_SIZE}",
    }
    plan_file = Path(_tmp, "web-plan.json")
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_web.py"), str(plan_file)],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        errors.append(f"web process: exit {done.returncode}: {done.stderr[-300:]}")
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    setup_test_environment()
    start = time.perf_counter()
    figures: dict[str, Any] = {
        "sizes": SIZES,
        "runs": RUNS,
        "other_organizations": TENANTS,
        "database": connection.vendor,
        "floor": {},
        "pages": {},
        "api": {},
        "launch": {},
        "data": {},
    }
    if OPTIONS.cache:
        seeded = seed_all()
        prepared = {size: prepare(size, seeded[size]) for size in SIZES}
    else:  # each size seeded, then its cycle launched, before the next size is seeded
        migrate_and_seed_tenants()
        prepared = {size: prepare(size, seed(size)) for size in SIZES}
    # table statistics, as PostgreSQL's autovacuum keeps them and a SQLite deployment's
    # `PRAGMA optimize` does: without them SQLite reads a person's form items through
    # the organization index (225,000 rows at 2,000 people) instead of the form's
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    settle()  # as clb/wsgi.py does in a web process before its first request
    for size, ready in prepared.items():
        began = time.perf_counter()
        ids, clients = ready["ids"], ready["clients"]
        floor = measure(clients["hr"], "/bench/floor/")
        results = dict(ready["before"])
        for label, (who, path) in pages(ids).items():
            if selected(label):
                results[label] = measure(clients[who], path)
        auth = {"Authorization": f"Bearer {ready['token']}"}
        apis = {
            label: measure(Client(), path, auth)
            for label, path in api_lists(ids).items()
            if selected(label)
        }
        if OPTIONS.profile:
            for label, (who, path) in pages(ids).items():
                if selected(label):
                    profile(label, clients[who], path)
            for label, path in api_lists(ids).items():
                if selected(label):
                    profile(label, Client(), path, auth)
        floor_after = measure(clients["hr"], "/bench/floor/")
        # the floor before and after the pages: the slower of the two (the machine is shared)
        if floor_after["p95_ms"] > floor["p95_ms"]:
            floor = floor_after
        for row in (*results.values(), *apis.values()):
            row["ratio"] = round(row["p95_ms"] / floor["p95_ms"], 2)
        key = str(size)
        print(f"scale{size}: pages and API lists measured in {time.perf_counter() - began:.0f} s")
        figures["floor"][key] = floor
        figures["pages"][key] = results
        figures["api"][key] = apis
        figures["launch"][key] = ready["launch"]
        figures["data"][key] = ready["data"]
    figures["memory"] = (
        {}
        if OPTIONS.no_memory
        else memory(prepared[TARGET_SIZE]["ids"], prepared[TARGET_SIZE]["token"])
    )
    figures["targets"] = targets(figures)
    figures["lost"] = len(lost)
    figures["errors"] = len(errors)
    figures["error_details"] = (lost + errors)[:20]
    figures["seconds"] = round(time.perf_counter() - start, 1)
    report(figures)
    save_figures("scale", figures)


def targets(figures: dict[str, Any]) -> dict[str, Any]:
    top = str(TARGET_SIZE)
    slow = [
        label
        for group in ("pages", "api")
        for label, row in figures[group][top].items()
        if row["ratio"] > TARGET_RATIO
    ]
    grew = [
        label
        for group in ("pages", "api")
        for label in figures[group][top]
        if len({figures[group][str(s)][label]["queries"] for s in SIZES}) > 1
    ]
    rss = figures["memory"].get("peak_rss_mb")
    return {
        "p95_within_3x_floor_at_largest": {"met": not slow, "missed": slow},
        "queries_constant_across_sizes": {"met": not grew, "grew": grew},
        "web_process_under_200_mb": {"met": rss is not None and rss < RSS_TARGET_MB, "mb": rss},
    }


def _cell(figures: dict[str, Any]) -> str:
    return (
        f"{figures['queries']:>6}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}"
        f"{figures.get('ratio', 1.0):>6.1f}"
    )


def report(figures: dict[str, Any]) -> None:
    sizes = [str(s) for s in SIZES]
    if OPTIONS.cpu:
        print("\n(times: the process's CPU time of each request, --cpu)")
    for group, title in (("pages", "page"), ("api", "API list")):
        header = f"{title:<36}" + "".join(f"{s + ' people':>30}" for s in sizes) + "  flat?"
        print("\n" + header)
        print(f"{'':<36}" + "".join(f"{'q   p50 ms   p95 ms  ratio':>30}" for _ in sizes))
        print("-" * len(header))
        for label, cells, flat in scale_rows(figures, group, sizes, "Floor (1 query)", _cell):
            print(f"{label[:35]:<36}{''.join(cells)}  {'yes' if flat else 'NO'}")
    print(
        f"\n{'cycle launch (self, manager, peers)':<36}{'seconds':>9}{'queries':>9}"
        f"{'forms':>8}{'items':>9}{'peers':>8}"
    )
    for s in sizes:
        row = figures["launch"][s]
        print(
            f"{s + ' people':<36}{row['seconds']:>9.1f}{row['queries']:>9}"
            f"{row['forms']:>8}{row['items']:>9}{row.get('peer_nominations', 0):>8}"
        )
    mem = figures["memory"]
    if mem:
        print(
            f"\nweb process peak RSS: {mem['peak_rss_mb']} MB (after {mem['requests']} requests; "
            f"{mem.get('rss_after_start_mb')} MB when ready, "
            f"{mem.get('rss_at_end_mb')} MB at the end)"
        )
        print(f"  raised most by (MB): {mem.get('peak_raised_by')}")
    print("\ntargets:")
    for name, verdict in figures["targets"].items():
        detail = {k: v for k, v in verdict.items() if k != "met"}
        print(f"  {name}: {'met' if verdict['met'] else 'MISSED'} {detail}")
    print(f"lost: {figures['lost']}  errors: {figures['errors']}")
    for line in figures["error_details"]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
