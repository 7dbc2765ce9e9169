"""The operator's view of background work: `manage.py jobs` (the schedule, recent runs
and failures), `jobs tick` (one scheduler pass, for cron instead of the worker's own),
`jobs run NAME` (run a job here and now), `jobs retry ID`, `jobs check` (exit 1 when
something failed for good — for monitoring)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jobs.models import ScheduledRun
from jobs.schedule import jobs
from jobs.scheduler import requeue, run_now, tick

Status = ScheduledRun.Status


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


def _failed_redis_tasks(since: dt.datetime) -> list[Any]:
    from types import SimpleNamespace

    from django.tasks import task_backends
    from django_tasks_redis.utils import deserialize_datetime, deserialize_json

    found, _ = task_backends["default"].get_all_tasks(status="FAILED", limit=500)  # type: ignore[attr-defined]
    failed = []
    for data in found:
        finished = deserialize_datetime(data.get("finished_at", ""))
        if finished is None or finished < since:
            continue
        errors = deserialize_json(data.get("errors_json", "[]")) or [{}]
        failed.append(
            SimpleNamespace(
                task_path=data.get("task_path", ""),
                finished_at=finished,
                exception_class_path=errors[-1].get("exception_class_path", ""),
            )
        )
    return sorted(failed, key=lambda result: result.finished_at, reverse=True)[:50]


def failed_tasks(since: dt.datetime) -> list[Any]:
    """Background tasks (e-mails, imports) that raised, from the database or Redis queue."""
    if settings.TASKS_ON_REDIS:
        return _failed_redis_tasks(since)
    if not str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db"):
        return []
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.failed().filter(finished_at__gte=since).order_by("-finished_at")[:50]
    )


def gave_up(since: dt.datetime) -> list[ScheduledRun]:
    return list(
        ScheduledRun.objects.filter(
            status=Status.FAILED,
            attempts__gte=settings.SCHEDULER_MAX_ATTEMPTS,
            finished_at__gte=since,
        )
    )


class Command(BaseCommand):
    help = "Scheduled jobs: list them and their runs, run one now, retry a failed run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", default="list", choices=["list", "tick", "run", "retry", "check"]
        )
        parser.add_argument("target", nargs="?", help="a job's name (run) or a run's id (retry)")

    def handle(self, *args: Any, action: str, target: str | None, **options: Any) -> None:
        getattr(self, f"do_{action}")(target)

    def do_list(self, target: str | None) -> None:
        now = timezone.now()
        self.stdout.write("Schedule (times in UTC):")
        for job in jobs():
            last = ScheduledRun.objects.filter(job=job.name).first()
            state = f"last {_when(last.due_at)} {last.status}" if last else "never run"
            self.stdout.write(f"  {job.name:22} every {job.every}  {state}  — {job.title}")
        self.stdout.write("\nRecent runs:")
        for run in ScheduledRun.objects.all()[:15]:
            self.stdout.write(
                f"  #{run.pk:<5} {run.job:22} due {_when(run.due_at)}  {run.status:8} "
                f"try {run.attempts}  finished {_when(run.finished_at)}"
            )
        failures = ScheduledRun.objects.filter(status=Status.FAILED)[:20]
        for run in failures:
            tries = f"{run.attempts} of {settings.SCHEDULER_MAX_ATTEMPTS} tries"
            self.stdout.write(self.style.ERROR(f"\nFAILED run #{run.pk} {run.job} ({tries}):"))
            self.stdout.write(run.error.strip()[-2000:])
        for result in failed_tasks(now - dt.timedelta(days=7)):
            self.stdout.write(
                self.style.ERROR(
                    f"\nFAILED task {result.task_path} at {_when(result.finished_at)}: "
                    f"{result.exception_class_path}"
                )
            )
            self.stdout.write(result.traceback.strip()[-2000:])

    def do_tick(self, target: str | None) -> None:
        made = tick()
        self.stdout.write(f"{len(made)} run(s) queued: {', '.join(r.job for r in made) or '-'}")

    def do_run(self, target: str | None) -> None:
        names = [job.name for job in jobs()]
        if target not in names:
            raise CommandError(f"Name a job: {', '.join(names)}")
        run = run_now(target)
        for line in run.outcome.get("done", {}).values():
            self.stdout.write(f"  {line}")
        if run.status == Status.FAILED:
            raise CommandError(f"{target} failed:\n{run.error}")
        self.stdout.write(self.style.SUCCESS(f"{target}: {run.status} (run #{run.pk})"))

    def do_retry(self, target: str | None) -> None:
        run = ScheduledRun.objects.filter(pk=int(target or 0), status=Status.FAILED).first()
        if run is None:
            raise CommandError("Give the id of a failed run (see `manage.py jobs`).")
        requeue(run, timezone.now())
        self.stdout.write(self.style.SUCCESS(f"Run #{run.pk} queued again for the worker."))

    def do_check(self, target: str | None) -> None:
        since = timezone.now() - dt.timedelta(days=1)
        runs, tasks = gave_up(since), failed_tasks(since)
        if runs or tasks:
            raise CommandError(
                f"{len(runs)} scheduled run(s) failed after every try and {len(tasks)} "
                "background task(s) failed in the last 24 hours; see `manage.py jobs`."
            )
        self.stdout.write(self.style.SUCCESS("No failed jobs in the last 24 hours."))
