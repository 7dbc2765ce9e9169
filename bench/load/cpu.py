"""CPU time and queries of each request deadline day sends, in-process (issue 15).

    python bench/load/cpu.py PLAN.json [--runs 20] [--profile autosave] [--top 40]

Run it with the environment of the load test's server (the production settings:
DEBUG=0, SECURE_HTTPS=1, TRUSTED_PROXIES=127.0.0.1, the database and Redis of a run) on a
database `bench/load/db.py seed` made, with its plan. Each request goes through the whole
middleware stack with the Django test client (CSRF enforced, the proxy's headers, a
signed-in session in the session engine of the settings), as locust sends it: Reviews,
the team page, opening a form, autosaving it, submitting it, reading a submitted one.
For each kind it prints the CPU time of this process (`time.process_time`, which other
processes on a shared machine inflate much less than wall time) p50 / p95 and the
queries, then with `--profile KIND` a cProfile of that kind's timed requests.

It writes: autosaves and submits forms of the plan's first users (copy the database
first if the load test should start from a fresh one).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")

RATING = re.compile(r'name="rating-([A-Za-z0-9]+)" id="r-[A-Za-z0-9]+-(\d+)"')
SUMMARY = re.compile(r'name="summary-([A-Za-z0-9]+)"')
REVISION = re.compile(r'id="form-revision" value="(\d+)"')
SAVES = 4  # autosaves of each form before it is submitted (locust: 3 to 6)
FORM = "application/x-www-form-urlencoded"  # as a browser (and locust) posts the form


class Counter:
    """Counts the queries run through the connection (an execute wrapper: cheap)."""

    def __init__(self) -> None:
        self.n = 0
        self.sql: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        start = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql.append(f"{(time.process_time() - start) * 1000:6.2f} ms  {sql}")


class Person:
    def __init__(self, login: dict[str, Any], n: int) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from organizations.scoping import unscoped

        self.login = login
        self.client = Client(
            enforce_csrf_checks=True,
            REMOTE_ADDR="127.0.0.1",
            HTTP_HOST="testserver",  # no port: the Origin is https://testserver
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.9.{n // 256 % 256}.{n % 256}",
            },
        )
        with unscoped():
            user = get_user_model().objects.get(email=login["email"])
        self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def csrf(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie else ""

    def post_headers(self, path: str, htmx: bool = False) -> dict[str, str]:
        origin = "https://testserver"
        headers = {"Origin": origin, "Referer": origin + path, "X-CSRFToken": self.csrf()}
        if htmx:
            headers |= {"HX-Request": "true", "HX-Current-URL": origin + path}
        return headers


def fields_of(page: str, csrf: str, revision: int, save: int, saves: int) -> dict[str, str]:
    """The whole form as the browser posts it, as locust's people fill it in: after save
    n (0-based) of `saves`, the first (n + 1) / (saves + 1) of the statements are rated
    and statement n has a comment; at save `saves` (the submit) everything is rated."""
    scale: dict[str, list[int]] = {}
    for uid, value in RATING.findall(page):
        scale.setdefault(uid, []).append(int(value))
    uids = list(scale)
    rated = len(uids) if save >= saves else -(-len(uids) // (saves + 1)) * (save + 1)
    fields = {"csrfmiddlewaretoken": csrf, "revision": str(revision)}
    for i, uid in enumerate(uids):
        if i < rated:
            fields[f"rating-{uid}"] = str(scale[uid][i % len(scale[uid])])
        fields[f"comment-{uid}"] = f"comment {i}" if i <= min(save, saves - 1) else ""
        fields[f"evidence-{uid}"] = ""
        fields[f"evidence_kind-{uid}"] = ""
    for uid in SUMMARY.findall(page):
        fields[f"summary-{uid}"] = ""
    if 'name="overall_comment"' in page:
        fields["overall_comment"] = f"Overall, save {min(save, saves - 1) + 1}"
    return fields


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("plan", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--sql", action="store_true", help="print each kind's queries")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    plan = json.loads(args.plan.read_text())
    cycle = plan["cycle"]
    managers = [u for u in plan["users"] if u["role"] == "manager"]
    employees = [u for u in plan["users"] if u["role"] == "employee"]
    counter = Counter()
    times: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    # CPU time, not wall time: on a shared machine waiting for a core is not our cost
    profiler = cProfile.Profile(time.process_time) if args.profile else None

    def timed(kind: str, call: Any, *, warm: bool = False) -> Any:
        counter.n = 0
        counter.sql = []
        profiling = profiler is not None and args.profile in (kind, "all") and not warm
        if profiling:
            profiler.enable()
        start = time.process_time()
        with connection.execute_wrapper(counter):
            response = call()
        spent = time.process_time() - start
        if profiling:
            profiler.disable()
        if not warm:
            times.setdefault(kind, []).append(spent * 1000)
            queries[kind] = counter.n
            statements[kind] = counter.sql
        return response

    def check(response: Any, status: int, kind: str) -> Any:
        if response.status_code != status:
            raise SystemExit(f"{kind}: {response.status_code} {response.content[:300]!r}")
        return response

    # a manager and an employee, each reading Reviews and (the manager) the team page
    people = [Person(managers[0], 1), Person(employees[0], 2)]
    manager = people[0]
    for i in range(args.runs + 1):
        for person in people:
            check(
                timed("my reviews", lambda p=person: p.client.get("/reviews/"), warm=i == 0),
                200,
                "my reviews",
            )
        check(
            timed(
                "team",
                lambda: manager.client.get(f"/reviews/cycles/{cycle}/team/"),
                warm=i == 0,
            ),
            200,
            "team",
        )
    # open form, autosave, submit: the forms of the first users, one after the other
    opened = 0
    submitted: list[tuple[Person, str]] = []
    n = 3
    for login in plan["users"]:
        if opened > args.runs:
            break
        person = Person(login, n)
        n += 1
        for form_id in login["forms"]:
            if opened > args.runs:
                break
            path = f"/reviews/forms/{form_id}/"
            page = check(
                timed("open form", lambda p=person, u=path: p.client.get(u), warm=opened == 0),
                200,
                "open form",
            ).content.decode()
            found = REVISION.search(page)
            if found is None:
                continue
            revision = int(found.group(1))
            for save in range(SAVES):
                fields = fields_of(page, person.csrf(), revision, save, SAVES)
                answer = check(
                    timed(
                        "autosave",
                        lambda p=person, u=path, f=fields: p.client.post(
                            u + "save/", urlencode(f), FORM, headers=p.post_headers(u, htmx=True)
                        ),
                        warm=opened == 0 and save == 0,
                    ),
                    200,
                    "autosave",
                ).content.decode()
                got = REVISION.search(answer)
                if "save-status__ok" not in answer or got is None:
                    raise SystemExit(f"autosave refused: {answer[:300]}")
                revision = int(got.group(1))
            fields = fields_of(page, person.csrf(), revision, SAVES, SAVES)
            check(
                timed(
                    "submit",
                    lambda p=person, u=path, f=fields: p.client.post(
                        u + "submit/", urlencode(f), FORM, headers=p.post_headers(u)
                    ),
                    warm=opened == 0,
                ),
                302,
                "submit",
            )
            submitted.append((person, path))
            opened += 1
    for i, (person, path) in enumerate(submitted):
        check(
            timed("read form", lambda p=person, u=path: p.client.get(u), warm=i == 0),
            200,
            "read form",
        )

    result = {
        kind: {
            "requests": len(ts),
            "queries": queries[kind],
            "cpu_min_ms": round(min(ts), 1),
            "cpu_p50_ms": round(statistics.median(ts), 1),
            "cpu_p95_ms": round(sorted(ts)[max(0, round(0.95 * len(ts)) - 1)], 1),
        }
        for kind, ts in times.items()
    }
    print(f"{'request':<12} {'n':>4} {'queries':>8} {'CPU min':>8} {'p50':>6} {'p95 ms':>7}")
    for kind, row in result.items():
        print(
            f"{kind:<12} {row['requests']:>4} {row['queries']:>8} {row['cpu_min_ms']:>8} "
            f"{row['cpu_p50_ms']:>6} {row['cpu_p95_ms']:>7}"
        )
    print(f"load average: {os.getloadavg()[0]:.2f}")
    if args.sql:
        for kind, sqls in statements.items():
            print(f"--- {kind}")
            for sql in sqls:
                print("  ", sql[:300])
    if args.json:
        args.json.write_text(json.dumps(result))
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
