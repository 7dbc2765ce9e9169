"""Findings 4 and 5, for real: a background worker (`manage.py db_worker` on a SQLite
file) is killed with SIGKILL in the middle of an import, which it writes in steps of
`CHUNK_PEOPLE` people (100 here), each its own transaction: the family's draft and the
first step's people are committed, the second step's are not. A restarted worker marks
the job failed and undoes the committed steps, exactly once (audited); trying again
imports it.

The import is just big enough to go to the worker (INLINE_MAX_PEOPLE + 20 people). The
killed worker is the ordinary command with one checkpoint (`PAUSING_WORKER`): once it
has written its second step's people, still inside that step's transaction, it says so
on its standard output and sleeps until it is killed. So the kill always lands
mid-apply, with no timing guess, and the test waits for that line rather than polling.
It used to import 4,000 people twice and sleep through the apply (166 s)."""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from spreadsheets.services.jobs import INLINE_MAX_PEOPLE
from tests.processes import ROOT, process_env, run_python

PEOPLE = INLINE_MAX_PEOPLE + 20
CHUNK = 100
WORKER_ARGS = ("--interval", "0.2", "--no-startup-delay")
STALE = 1.0
LEASE = {"IMPORT_HEARTBEAT_SECONDS": "0.2", "IMPORT_STALE_SECONDS": str(STALE)}

SETUP = f"""
from django.core.files.base import ContentFile
from organizations.scoping import scope
from organizations.services import create_organization, create_user
from spreadsheets.models import ImportJob
from spreadsheets.services import confirm_import, run_check
from tests.spreadsheets.workbooks import design_with_people

user = create_user("hr@big.test", password="a-long-password-1", name="Hana")
org = create_organization(name="Big", slug="big", owner=user, owner_name="Hana")
data = design_with_people({PEOPLE}, "big.test")
with scope(org):
    job = ImportJob(organization=org, original_name="big.xlsx", created_by=user)
    job.file.save("big.xlsx", ContentFile(data), save=False)
    job.save()
    run_check(job)
    job.refresh_from_db()
    assert job.status == "ready", job.errors
    confirm_import(job, actor=user)  # too many people to apply within a request
    job.refresh_from_db()
    assert job.status == "applying"
print(job.pk, org.pk)
"""

# `manage.py db_worker` whose apply stops for good once it has written its second step
PAUSING_WORKER = f"""
import time
from django.core.management import execute_from_command_line
from people.models import Person
from spreadsheets.services import applying

real, calls = applying.write_people, []
applying.CHUNK_PEOPLE = {CHUNK}


def write_people(org, *args, **kwargs):
    done = real(org, *args, **kwargs)
    calls.append(1)
    if len(calls) == 2:
        # the organization's people as the second step's own transaction sees them
        print("paused", Person.objects.filter(organization=org).count(), flush=True)
        time.sleep(600)  # killed here, before the step commits
    return done


applying.write_people = write_people
execute_from_command_line(["manage.py", "db_worker", *{WORKER_ARGS!r}])
"""

RETRY = """
from organizations.scoping import unscoped, scope
from spreadsheets.models import ImportJob
from spreadsheets.services import retry_import
with unscoped():
    job = ImportJob.objects.select_related("organization", "created_by").get(pk={job})
with scope(job.organization):
    retry_import(job, actor=job.created_by)
"""


def _query(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql, args).fetchall()


def _state(db: Path, org: int) -> dict[str, int]:
    return {
        "people": _query(db, "SELECT count(*) FROM people_person WHERE organization_id=?", org)[0][
            0
        ],
        "families": _query(
            db, "SELECT count(*) FROM frameworks_jobfamily WHERE organization_id=?", org
        )[0][0],
    }


def _audits(db: Path, org: int, action: str) -> int:
    sql = "SELECT count(*) FROM organizations_auditentry WHERE organization_id=? AND action=?"
    return _query(db, sql, org, action)[0][0]


def _job(db: Path, job: int) -> tuple:
    sql = "SELECT status, stage, interrupted, heartbeat_at FROM spreadsheets_importjob WHERE id=?"
    return _query(db, sql, job)[0]


def _worker(db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", *WORKER_ARGS, *extra],
        cwd=ROOT,
        env=process_env(db, **LEASE),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _pausing_worker(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup()\n" + PAUSING_WORKER],
        cwd=ROOT,
        env=process_env(db, **LEASE),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _checkpoint(process: subprocess.Popen[bytes], timeout: float) -> int:
    """Wait (at most `timeout` seconds) for the worker to say it paused; the number of
    people its transaction sees then."""
    assert process.stdout is not None
    out, deadline = b"", time.monotonic() + timeout
    while select.select([process.stdout], [], [], max(0, deadline - time.monotonic()))[0]:
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break  # it ended
        out += chunk
        paused = re.search(rb"^paused (\d+)$", out, re.M)
        if paused:
            return int(paused.group(1))
    process.kill()
    _, err = process.communicate(timeout=30)
    raise AssertionError(f"the worker never reached the checkpoint:\n{err[-3000:]!r}")


def test_a_worker_killed_mid_import_leaves_nothing_half_done_and_fails_once(file_db):
    db = file_db
    job, org = map(int, run_python(db, SETUP, timeout=300).split()[-2:])
    before = _state(db, org)

    worker = _pausing_worker(db)
    try:
        written = _checkpoint(worker, 300)
        # the worker is inside its second step's transaction: two steps of people
        assert written == before["people"] + 2 * CHUNK
        # the job's page shows what the committed steps did
        assert _job(db, job)[:2] == ("applying", f"People: {CHUNK} of {PEOPLE} written")
        # others see what the committed steps wrote: the family and the first step
        assert _state(db, org) == {"people": before["people"] + CHUNK, "families": 1}
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    status, _, interrupted, _ = _job(db, job)
    assert (status, interrupted) == ("applying", 0)
    # half-applied until the reaper undoes it: the family's draft and the first step
    assert _state(db, org) == {"people": before["people"] + CHUNK, "families": 1}
    assert _audits(db, org, "import.applied") == 0

    time.sleep(STALE + 0.5)  # the lease runs out (its last stamp was before the kill)
    for _ in range(2):  # a restarted worker, then another restart
        restarted = _worker(db, "--batch")
        assert restarted.wait(120) == 0, restarted.stderr.read() if restarted.stderr else ""
    status, _, interrupted, _ = _job(db, job)
    assert (status, interrupted) == ("failed", 1)
    assert _audits(db, org, "import.interrupted") == 1  # exactly once
    assert _audits(db, org, "import.undone") == 1  # and its steps undone, once
    assert _state(db, org) == before
    assert _query(db, "SELECT count(*) FROM spreadsheets_appliedchunk")[0][0] == 0

    run_python(db, RETRY.format(job=job), **LEASE)
    retried = _worker(db, "--batch")
    assert retried.wait(600) == 0, retried.stderr.read() if retried.stderr else ""
    assert _job(db, job)[0] == "done"
    assert _state(db, org) == {"people": before["people"] + PEOPLE, "families": 1}
    assert _audits(db, org, "import.applied") == 1
