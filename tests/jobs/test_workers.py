"""The scheduler across real processes: three processes ticking at the same moments make
one run per job and slot and queue each once; two background workers (`manage.py
db_worker`, which ticks) carry out every due run exactly once, and finish a run that a
killed worker left behind. On a SQLite file always; on PostgreSQL too when DATABASE_URL
points there (the processes then share the test database)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobs.schedule import jobs
from tests.processes import ROOT, process_env

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
if ON_POSTGRES:
    # Declared, not requested inside a fixture: pytest-django sets up the test database
    # only for tests that declare it, and run alone these would use the real one.
    pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of processes that share one database with this test."""
    if ON_POSTGRES:
        from django.conf import settings
        from django.db import connection

        # The xdist worker's test database is shared with earlier tests; tasks they queued
        # (and never ran) would be picked up by this test's workers and counted.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_tasks_database_dbtaskresult")
            cursor.execute("DELETE FROM jobs_scheduledrun")

        db = settings.DATABASES["default"]
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env = process_env(tmp_path / "unused.sqlite3")
        env["DATABASE_URL"] = url
        yield env
    else:
        yield process_env(request.getfixturevalue("file_db"))


def query(env: dict[str, str], sql: str) -> list[tuple]:
    if ON_POSTGRES:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=30) as conn:
        return conn.execute(sql).fetchall()


def python(env: dict[str, str], code: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**env, **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


TICKS = """
import datetime as dt, pathlib, time
from jobs.scheduler import tick
base = dt.datetime(2026, 5, 3, tzinfo=dt.UTC)
ready = pathlib.Path({ready!r})
(ready / "{me}").touch()
while len(list(ready.iterdir())) < {count}:  # start together
    time.sleep(0.002)
for step in range(24):  # every hour of one day, as fast as it goes
    tick(base + dt.timedelta(hours=step))
print("ok")
"""


def test_three_processes_ticking_together_make_each_run_once(shared_db, tmp_path):
    ready = tmp_path / "ready"
    ready.mkdir()
    procs = [
        python(
            shared_db,
            TICKS.format(ready=str(ready), me=me, count=3),
            SCHEDULER_REQUEUE_SECONDS="999999",
        )
        for me in range(3)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-3000:]
    base = dt.datetime(2026, 5, 3, tzinfo=dt.UTC)
    expected = {
        (job.name, job.slot(base + dt.timedelta(hours=step)))
        for job in jobs()
        for step in range(24)
    }
    hourly = [job for job in jobs() if job.every == dt.timedelta(hours=1)]
    daily = [job for job in jobs() if job.every == dt.timedelta(days=1)]
    assert len(hourly) + len(daily) == len(jobs()) and hourly and daily
    assert len(expected) == len(hourly) * 24 + len(daily) * 2  # a daily job: two slots a day
    runs = query(shared_db, "SELECT job, due_at FROM jobs_scheduledrun")
    assert len(runs) == len(expected)
    tasks = query(
        shared_db,
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'jobs.tasks.run_scheduled_job'",
    )
    assert tasks == [(len(expected),)]  # only the process that made a run queued it


SETUP = """
import datetime as dt
from django.utils import timezone
from jobs.models import ScheduledRun
from jobs.schedule import get
from organizations.services import create_organization, create_user

user = create_user("hr@acme.test", password="a-long-password-1", name="Hana")
create_organization(name="Acme", slug="acme", owner=user, owner_name="Hana")
# what a worker killed in the middle of yesterday's billing run left behind
yesterday = timezone.now() - dt.timedelta(days=1)
ScheduledRun.objects.create(
    job="billing", due_at=get("billing").slot(yesterday), status="running", attempts=1,
    started_at=yesterday, heartbeat_at=yesterday, worker="gone:1",
)
print("ok")
"""


def worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env={**env, "SCHEDULER_TICK_SECONDS": "0.5", "SCHEDULER_STALE_SECONDS": "5"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_run_every_due_job_once_and_finish_a_lost_run(shared_db):
    setup = python(shared_db, SETUP)
    _out, err = setup.communicate(timeout=120)
    assert setup.returncode == 0, err[-3000:]
    workers = [worker(shared_db), worker(shared_db)]
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            runs = query(shared_db, "SELECT job, status, attempts FROM jobs_scheduledrun")
            if len(runs) == len(jobs()) + 1 and all(r[1] == "done" for r in runs):
                break
            time.sleep(0.5)
        else:
            for proc in workers:
                proc.terminate()
            logs = [proc.communicate(timeout=30)[1][-2000:] for proc in workers]
            pytest.fail(f"runs not done: {runs}\n" + "\n---\n".join(logs))
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.terminate()
                proc.communicate(timeout=30)
    assert sorted(r[0] for r in runs) == sorted([*(j.name for j in jobs()), "billing"])
    # each today's run was carried out by one try; the lost one by a second
    assert sorted(r[2] for r in runs) == [1] * len(jobs()) + [2]
    done = query(
        shared_db,
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'jobs.tasks.run_scheduled_job' AND status = 'SUCCESSFUL'",
    )
    assert done == [(len(jobs()) + 1,)]
