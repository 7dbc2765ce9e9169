"""The scheduler: a small tick that every background worker runs once a minute.

Safe on several machines at once without a lock service:

- **A job due once runs once.** `tick()` makes the `ScheduledRun` row for each job's
  current slot; the row is unique per (job, slot), so when several workers tick at the
  same moment one INSERT wins and the others see the row (PostgreSQL and SQLite alike).
  Only the winner queues the run, after its transaction commits.
- **A run is claimed before it starts**: a conditional UPDATE from "queued" to
  "running" (attempt n+1). A task queued twice (a re-queue after a lost hand-over)
  finds nothing to claim the second time.
- **Nothing is lost.** A run whose worker died stops stamping `heartbeat_at`; after
  SCHEDULER_STALE_SECONDS the tick queues it again. Failed runs are retried by the tick
  after a backoff (1, 5, 30 minutes…) up to SCHEDULER_MAX_ATTEMPTS tries in all; either
  way only the organizations not yet done are run again. A run still failed after its
  last attempt stays visible to the operator: `manage.py jobs` and the admin.
- A queued run whose task never reached the queue (the process died between commit
  and enqueue) is queued again after SCHEDULER_REQUEUE_SECONDS.

This is the same idea as the import jobs' lease (`spreadsheets/leases.py`): a heartbeat,
a reaper that wins by a conditional update, and work that is safe to do again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import traceback
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from jobs.models import ScheduledRun
from jobs.schedule import Job, get, jobs
from organizations.models import Organization
from organizations.scoping import scope, unscoped

logger = logging.getLogger(__name__)
Status = ScheduledRun.Status
BACKOFF_MINUTES = (1, 5, 30, 120)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _enqueue_on_commit(run_id: int) -> None:
    from jobs.tasks import run_scheduled_job

    transaction.on_commit(lambda: run_scheduled_job.enqueue(run_id))


def schedule(job: Job, now: dt.datetime) -> ScheduledRun | None:
    """Make the run for the job's current slot, if nobody has; queue it on commit.
    Returns the new run, or None when another worker (or an earlier tick) made it."""
    due = job.slot(now)
    if ScheduledRun.objects.filter(job=job.name, due_at=due).exists():
        return None
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(job=job.name, due_at=due, queued_at=now)
            _enqueue_on_commit(run.pk)
    except IntegrityError:  # another worker made it a moment ago
        return None
    return run


def reap(now: dt.datetime) -> int:
    """Runs whose worker stopped stamping (killed, restarted): queued again at once while
    they have tries left (the organizations already done are skipped), failed otherwise."""
    cutoff = now - dt.timedelta(seconds=settings.SCHEDULER_STALE_SECONDS)
    note = "Interrupted: the worker running it stopped (killed or restarted)."
    lost = ScheduledRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff)
    reaped = 0
    for run in lost:
        with transaction.atomic():
            again = run.attempts < settings.SCHEDULER_MAX_ATTEMPTS
            won = ScheduledRun.objects.filter(
                pk=run.pk, status=Status.RUNNING, attempts=run.attempts, heartbeat_at__lt=cutoff
            ).update(
                status=Status.QUEUED if again else Status.FAILED,
                queued_at=now,
                finished_at=None if again else now,
                error=note,
            )
            if won and again:
                _enqueue_on_commit(run.pk)
            reaped += won
    if reaped:
        logger.warning("%s scheduled run(s) lost their worker", reaped)
    return reaped


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def retry_due(now: dt.datetime) -> int:
    """Queue again the failed runs whose backoff is over and that have tries left."""
    retried = 0
    for run in ScheduledRun.objects.filter(
        status=Status.FAILED, attempts__lt=settings.SCHEDULER_MAX_ATTEMPTS
    ):
        if run.finished_at and run.finished_at + backoff(max(run.attempts, 1)) > now:
            continue
        retried += requeue(run, now)
    return retried


def requeue(run: ScheduledRun, now: dt.datetime, *, status: str | None = None) -> int:
    """Put a run back in the queue (it was failed, or queued and lost); 1 if it was."""
    with transaction.atomic():
        won = ScheduledRun.objects.filter(pk=run.pk, status=status or run.status).update(
            status=Status.QUEUED, queued_at=now
        )
        if won:
            _enqueue_on_commit(run.pk)
    return won


def requeue_lost(now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(seconds=settings.SCHEDULER_REQUEUE_SECONDS)
    lost = ScheduledRun.objects.filter(status=Status.QUEUED, queued_at__lt=cutoff)
    return sum(requeue(run, now) for run in lost)


def tick(now: dt.datetime | None = None) -> list[ScheduledRun]:
    """One pass of the scheduler: reap, retry, and make the runs that are due. Returns
    the runs this call made (each queued after commit)."""
    now = now or timezone.now()
    reap(now)
    retry_due(now)
    requeue_lost(now)
    return [run for job in jobs() if (run := schedule(job, now))]


# --- running one --------------------------------------------------------------------------


def _organizations(job: Job) -> list[Organization]:
    with unscoped():
        orgs = list(Organization.objects.order_by("pk"))
    if job.organizations == "writable":
        return [org for org in orgs if not org.is_read_only]
    return [org for org in orgs if org.plan != Organization.Plan.SUSPENDED]


def claim(run_id: int, now: dt.datetime) -> ScheduledRun | None:
    """Start a queued run (attempt n+1), or None when it is not queued any more."""
    won = ScheduledRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        worker=_worker_id(),
        attempts=F("attempts") + 1,
    )
    return ScheduledRun.objects.get(pk=run_id) if won else None


def _mine(run: ScheduledRun) -> Any:
    """This try's row, as long as the reaper has not given it to another try."""
    return ScheduledRun.objects.filter(pk=run.pk, status=Status.RUNNING, attempts=run.attempts)


def execute(run_id: int, now: dt.datetime | None = None) -> ScheduledRun | None:
    """Run a queued run: its hook once, or once per organization (each in its scope and
    transaction, skipping those a previous try finished). Failures are recorded, not
    raised: the tick retries them."""

    def clock() -> dt.datetime:  # the time of each step, unless the caller fixed it
        return now or timezone.now()

    run = claim(run_id, clock())
    if run is None:
        return None
    job = get(run.job)
    hook = job.function()
    done: dict[str, str] = dict(run.outcome.get("done", {}))
    failed: dict[str, str] = {}
    if job.organizations:
        for org in _organizations(job):
            key = str(org.pk)
            if key in done:
                continue
            try:
                with scope(org), transaction.atomic():
                    done[key] = f"{org.slug}: {hook(org, clock())}"
            except Exception:
                logger.exception("Scheduled job %s failed for %s", job.name, org.slug)
                failed[key] = f"{org.slug}: {traceback.format_exc(limit=5)}"
            _mine(run).update(heartbeat_at=clock(), outcome={"done": done})
    else:
        try:
            with unscoped():  # the hook keeps its own transactions
                done["-"] = str(hook(clock()))
        except Exception:
            logger.exception("Scheduled job %s failed", job.name)
            failed["-"] = traceback.format_exc(limit=5)
    finished = _mine(run).update(
        status=Status.FAILED if failed else Status.DONE,
        finished_at=clock(),
        outcome={"done": done, "failed": failed},
        error="\n".join(failed.values())[:20_000],
    )
    if not finished:
        logger.warning("Scheduled run %s was taken over while it ran", run.pk)
    run.refresh_from_db()
    return run


def run_now(name: str, now: dt.datetime | None = None) -> ScheduledRun:
    """Make and run the job's current slot here and now (the operator's `jobs run`). If
    the slot's run exists it runs again (if failed) or is left alone (if done)."""
    now = now or timezone.now()
    job = get(name)
    run, _ = ScheduledRun.objects.get_or_create(
        job=job.name, due_at=job.slot(now), defaults={"queued_at": now}
    )
    if run.status == Status.FAILED:
        ScheduledRun.objects.filter(pk=run.pk, status=Status.FAILED).update(status=Status.QUEUED)
    return execute(run.pk, now) or ScheduledRun.objects.get(pk=run.pk)


# --- in the worker --------------------------------------------------------------------------


def tick_safely() -> None:
    try:
        close_old_connections()
        tick()
    except Exception:  # a locked or unreachable database: the next tick tries again
        logger.exception("The scheduler's tick failed")
    finally:
        close_old_connections()


def start_ticking(**kwargs: Any) -> None:
    """When a worker starts: tick now, then every SCHEDULER_TICK_SECONDS on a side thread.
    Every worker ticks; the runs' uniqueness keeps each job to one run per slot."""
    if not settings.SCHEDULER_ENABLED:
        return

    def loop() -> None:
        tick_safely()
        while not threading.Event().wait(settings.SCHEDULER_TICK_SECONDS):
            tick_safely()

    threading.Thread(target=loop, name="jobs-scheduler", daemon=True).start()
