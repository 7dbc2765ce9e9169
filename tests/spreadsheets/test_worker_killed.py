"""Finding 4, for real: a background worker (`manage.py db_worker` on a SQLite file) is
killed with SIGKILL in the middle of a 4,000-person import. Nothing is half-applied; a
restarted worker marks the job failed exactly once (audited); trying again imports it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import ROOT, process_env, run_python

PEOPLE = 4000
WORKER_ARGS = ("--interval", "0.2", "--no-startup-delay")
LEASE = {"IMPORT_HEARTBEAT_SECONDS": "0.5", "IMPORT_STALE_SECONDS": "3"}

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
    confirm_import(job, actor=user)  # 4,000 people: queued for the worker
    job.refresh_from_db()
    assert job.status == "applying"
print(job.pk, org.pk)
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


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_import_leaves_nothing_half_done_and_fails_once(file_db):
    db = file_db
    job, org = map(int, run_python(db, SETUP, timeout=300).split()[-2:])
    before = _state(db, org)

    worker = _worker(db)
    try:
        _wait_for(lambda: _job(db, job)[1] == "Creating drafts and people", 120, "the apply")
        time.sleep(1.0)  # well inside the one transaction that writes 4,000 people
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    status, _, interrupted, _ = _job(db, job)
    assert status == "applying", "the import finished before the kill; make it bigger"
    assert _state(db, org) == before  # nothing half-applied
    assert _audits(db, org, "import.applied") == 0

    time.sleep(3.5)  # the lease runs out
    for _ in range(2):  # a restarted worker, then another restart
        restarted = _worker(db, "--batch")
        assert restarted.wait(120) == 0, restarted.stderr.read() if restarted.stderr else ""
    status, _, interrupted, _ = _job(db, job)
    assert (status, interrupted) == ("failed", 1)
    assert _audits(db, org, "import.interrupted") == 1  # exactly once
    assert _state(db, org) == before

    run_python(db, RETRY.format(job=job), **LEASE)
    retried = _worker(db, "--batch")
    assert retried.wait(600) == 0
    assert _job(db, job)[0] == "done"
    assert _state(db, org) == {"people": before["people"] + PEOPLE, "families": 1}
    assert _audits(db, org, "import.applied") == 1
