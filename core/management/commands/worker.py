"""`manage.py worker [OPTIONS]`: the background worker of the configured queue
(TASKS_BACKEND) — `db_worker` for the database queue, `run_redis_tasks --continuous` for
Redis. Every option is passed on to that command (see its --help). Both send
`worker_started`, so the scheduler ticks in every worker either way."""

from __future__ import annotations

from django.conf import settings
from django.core.management import execute_from_command_line
from django.core.management.base import BaseCommand


def worker_command() -> list[str]:
    if settings.TASKS_ON_REDIS:
        return ["run_redis_tasks", "--continuous"]
    return ["db_worker"]


class Command(BaseCommand):
    help = (
        "Run a background worker for the configured queue (TASKS_BACKEND): db_worker, or "
        "run_redis_tasks --continuous. Options are passed on to that command."
    )

    def run_from_argv(self, argv: list[str]) -> None:
        execute_from_command_line([argv[0], *worker_command(), *argv[2:]])
