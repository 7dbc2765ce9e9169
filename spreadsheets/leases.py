"""Import jobs never hang: a lease kept by a heartbeat, and a reaper for lost ones.

Whoever runs a job (the background worker, or a web request for a small file) stamps
`heartbeat_at` as it starts each stage, and the worker keeps stamping it every
IMPORT_HEARTBEAT_SECONDS from a side thread. A job still checking or importing whose
stamp is older than IMPORT_STALE_SECONDS lost its process (a worker killed, a web worker
timed out): `reap_stale_jobs` marks it failed, exactly once (a conditional update, and
the apply's own commit checks the job is still running, so a slow job that comes back
cannot also finish), records it in the audit log, and the page offers to try again.
Nothing stays half-applied: a big import is written in short steps, each journaled, and
the reaper undoes the steps a dead import committed (`spreadsheets.services.undoing`:
exactly once, audited as `import.undone`), as it finishes any undo a dying process left
half done.

The reaper runs when a worker starts and every minute while it runs
(`organizations.signals.worker_started`), and when someone opens the import pages.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from organizations.audit import record
from organizations.scoping import unscoped
from spreadsheets.models import ImportJob
from spreadsheets.services.undoing import undo_failed_imports

logger = logging.getLogger(__name__)
REAP_EVERY_SECONDS = 60


def _stamp(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id, status__in=ImportJob.RUNNING).update(
        heartbeat_at=timezone.now()
    )


@contextmanager
def heartbeat(job_id: int) -> Iterator[None]:
    """Keep the job's lease fresh from a side thread while the body runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                try:
                    with unscoped():
                        _stamp(job_id)
                except Exception:  # a locked database: the next beat tries again
                    logger.debug("Heartbeat for import %s missed", job_id, exc_info=True)
        finally:
            connection.close()

    with unscoped():
        _stamp(job_id)
    thread = threading.Thread(target=beat, name=f"import-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(settings.IMPORT_HEARTBEAT_SECONDS + 30)


def interrupted_message(job: ImportJob) -> str:
    what = "importing" if job.status == ImportJob.Status.APPLYING else "checking"
    return (
        f"The server stopped while {what} this workbook (it was restarted or ran out of "
        "time), so it did not finish. Nothing was changed. You can try again with the same "
        "file."
    )


def reap_stale_jobs(*, now: dt.datetime | None = None) -> int:
    """Mark running jobs whose lease ran out as failed; how many were. Within a scope it
    looks at that organization's jobs, unscoped (the worker) at everyone's."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    stale = ImportJob.objects.filter(
        status__in=ImportJob.RUNNING, heartbeat_at__lt=cutoff
    ).select_related("organization")
    reaped = 0
    for job in list(stale):
        with transaction.atomic():
            won = ImportJob.objects.filter(
                pk=job.pk, status=job.status, heartbeat_at__lt=cutoff
            ).update(
                status=ImportJob.Status.FAILED,
                interrupted=True,
                stage="",
                errors=[
                    {
                        "sheet": "",
                        "row": None,
                        "column": "",
                        "cell": "",
                        "message": interrupted_message(job),
                    }
                ],
                finished_at=now,
            )
            if won:
                record(
                    job.organization,
                    None,
                    "import.interrupted",
                    job,
                    target_label=job.original_name or "Master Template import",
                    data={
                        "stage": "import" if job.status == ImportJob.Status.APPLYING else "check",
                        "last_heartbeat": job.heartbeat_at,
                    },
                )
                reaped += 1
    if reaped:
        logger.warning("Marked %s import job(s) as interrupted", reaped)
    # the steps the failed imports committed (theirs, and any undo a dead process left)
    undo_failed_imports()
    return reaped


def reap_everyone() -> int:
    with unscoped():
        return reap_stale_jobs()


def start_reaping(**kwargs: Any) -> None:
    """When a worker starts: reap now, then every minute on a side thread."""
    reap_everyone()

    def loop() -> None:
        while True:
            threading.Event().wait(REAP_EVERY_SECONDS)
            try:
                close_old_connections()
                reap_everyone()
            except Exception:
                logger.exception("Reaping stale import jobs failed")

    threading.Thread(target=loop, name="import-reaper", daemon=True).start()
