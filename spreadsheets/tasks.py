"""Background jobs for large imports. They take the ImportJob id and re-enter the
organization's scope; small files run the same functions within the request."""

from __future__ import annotations

from django.tasks import task

from organizations.scoping import scope, unscoped
from spreadsheets.leases import heartbeat
from spreadsheets.models import ImportJob


def _job(job_id: int) -> ImportJob:
    with unscoped():
        return ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)


@task()
def check_import(job_id: int) -> None:
    from spreadsheets.services import run_check

    job = _job(job_id)
    with scope(job.organization), heartbeat(job.pk):
        run_check(job)


@task()
def apply_import_job(job_id: int) -> None:
    from spreadsheets.services import run_apply

    job = _job(job_id)
    with scope(job.organization), heartbeat(job.pk):
        run_apply(job)
