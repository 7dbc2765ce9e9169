"""Does one organization's big import block another organization's writes (SQLite)?

A Master Template import of BENCH_IMPORT_PEOPLE people (default 19,990, the most
the 20,000-row workbook limit allows; one family,
managers ten to a team) is applied in this process while a second process, signed in
as another organization's HR admin, adds a person every 0.2 s through the web stack
(POST /people/add/) and a third probe takes SQLite's write lock (BEGIN IMMEDIATE) every
0.05 s. Prints the import's time, the longest wait for the write lock, and the other
organization's write latencies and answers, and the importing process's own
transactions (how many, the longest: the import's steps, then readiness's batches).
Figures, not a test (the test: tests/spreadsheets/test_import_lock.py).

    BENCH_IMPORT_PEOPLE=19990 TESTING=1 .venv/bin/python bench/import_lock.py
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCK_PROBE = ROOT / "bench" / "_lock_probe.py"  # takes the write lock, says how long it waited
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
_tmp = tempfile.mkdtemp(prefix="clb-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("IMPORT_CHECK_SECONDS", "1200")  # reading 19,990 rows on a slow machine
PEOPLE = int(os.environ.get("BENCH_IMPORT_PEOPLE", "19990"))

WRITER = """
import json, os, sys, time
import django
django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
User = get_user_model()
client = Client()
client.force_login(User.objects.get(email="hr@small.bench"))
client.get("/people/add/")
open(sys.argv[1] + ".ready", "w").close()
out, n = [], 0
while not os.path.exists(sys.argv[1]):
    started = time.monotonic()
    r = client.post("/people/add/", {"name": f"Ann {n}", "email": f"ann{n}@small.bench"})
    out.append([round(time.monotonic() - started, 3), r.status_code])
    n += 1
    time.sleep(0.2)
print(json.dumps(out))
"""


import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench._common import save_figures  # noqa: E402


def workbook(people: int) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    fam = book.create_sheet("Families")
    fam.append(["Family", "Key", "Description"])
    fam.append(["Design", "", ""])
    levels = book.create_sheet("Levels")
    levels.append(["Family", "Code", "Title", "Track", "Rank"])
    levels.append(["Design", "D1", "Designer", "Shared", 1])
    levels.append(["Design", "D2", "Senior designer", "Shared", 2])
    design = book.create_sheet("Design")
    design.append(["Competency", "D1", "D2"])
    design.append(["Craft", "Makes things", "Makes better things"])
    sheet = book.create_sheet("People")
    sheet.append(["Email", "Name", "Manager email", "Family", "Level", "Start date"])
    for i in range(people):
        boss = "" if i == 0 else f"p{(i - 1) // 10}@big.bench"
        sheet.append([f"p{i}@big.bench", f"Person {i}", boss, "Design", f"D{1 + i % 2}", ""])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def watch_transactions() -> list[float]:
    """The duration of each outermost transaction this process's main thread runs, from
    the moment it holds the lock (SQLite's BEGIN IMMEDIATE) to its end."""
    import threading

    from django.db import connection, transaction

    spans: list[float] = []
    started: list[float] = []
    main = threading.main_thread()
    enter, leave = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def entered(self: Any) -> None:
        outer = not connection.in_atomic_block
        enter(self)
        if outer and threading.current_thread() is main:
            started.append(time.perf_counter())

    def left(self: Any, *exc: Any) -> None:
        try:
            leave(self, *exc)
        finally:
            if started and not connection.in_atomic_block and threading.current_thread() is main:
                spans.append(time.perf_counter() - started.pop())

    transaction.Atomic.__enter__ = entered  # type: ignore[method-assign]
    transaction.Atomic.__exit__ = left  # type: ignore[method-assign,assignment]
    return spans


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.core.files.base import ContentFile

    from organizations.scoping import scope
    from organizations.services import create_organization, create_user
    from spreadsheets.models import ImportJob
    from spreadsheets.services import confirm_import, run_check
    from spreadsheets.services import jobs as job_services

    big_owner = create_user("hr@big.bench", password=None, name="Big")
    big = create_organization(name="Big", slug="big", owner=big_owner, owner_name="Big")
    small_owner = create_user("hr@small.bench", password=None, name="Small")
    create_organization(name="Small", slug="small", owner=small_owner, owner_name="Small")
    data = workbook(PEOPLE)
    with scope(big):
        job = ImportJob(organization=big, original_name="big.xlsx", created_by=big_owner)
        job.file.save("big.xlsx", ContentFile(data), save=False)
        job.save()
        started = time.perf_counter()
        run_check(job)
        print(f"check {PEOPLE:,} people: {time.perf_counter() - started:.1f} s", flush=True)
        job.refresh_from_db()
        assert job.status == "ready", job.errors[:3]
        job_services.INLINE_MAX_PEOPLE = 10**9  # apply here, not in a worker
        db = settings.DATABASES["default"]["NAME"]
        stop = Path(_tmp) / "stop"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(stop)], env=env, stdout=subprocess.PIPE, text=True
        )
        probe = subprocess.Popen(
            [sys.executable, str(LOCK_PROBE), str(stop), str(db)], stdout=subprocess.PIPE, text=True
        )
        while not Path(f"{stop}.ready").exists():  # the writer has signed in
            time.sleep(0.1)
        time.sleep(1)
        spans = watch_transactions()
        started = time.perf_counter()
        confirm_import(job, actor=big_owner)
        took = time.perf_counter() - started
        job.refresh_from_db()
        time.sleep(1)
        stop.touch()
        writes: list[Any] = json.loads(writer.communicate()[0])
        waits: list[float] = json.loads(probe.communicate()[0])
    latencies = sorted(w[0] for w in writes)
    statuses: dict[int, int] = {}
    for _, status in writes:
        statuses[status] = statuses.get(status, 0) + 1
    figures = {
        "people": PEOPLE,
        "status": job.status,
        "apply_s": round(took, 2),
        "longest_lock_wait_s": round(max(waits), 3),
        "other_writes": len(writes),
        "other_write_max_s": latencies[-1],
        "other_write_p50_s": latencies[len(latencies) // 2],
        "other_write_statuses": statuses,
        "errors": sum(n for status, n in statuses.items() if status != 302),
        "transactions": len(spans),
        "longest_transaction_s": round(max(spans), 3),
        "transaction_spans_s": [round(x, 2) for x in spans],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures))
    save_figures("import_lock", figures)
    sqlite3.connect(db).close()


if __name__ == "__main__":
    main()
