"""The background task a scheduled run is carried out by. It takes the run's id; the
run re-enters each organization's scope itself (jobs.scheduler.execute)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_scheduled_job(run_id: int) -> str:
    from jobs.scheduler import execute

    run = execute(run_id)
    return "already taken" if run is None else run.status
