"""`manage.py run_redis_tasks` (django-tasks-redis's worker, for TASKS_BACKEND=redis) that
first tells the apps it is starting (`organizations.signals.worker_started`), as `core`'s
`db_worker` does: the scheduler starts ticking and import jobs a killed worker left
running are marked failed. `core` is listed before django_tasks_redis in INSTALLED_APPS,
so this command is the one `manage.py` runs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_redis.management.commands.run_redis_tasks import Command as WorkerCommand

from organizations.signals import worker_started


class Command(WorkerCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TASKS_ON_REDIS:
            raise CommandError(
                "The queue is the database (TASKS_BACKEND): run `manage.py worker` or "
                "`manage.py db_worker`."
            )
        worker_started.send(sender=self.__class__)
        super().handle(*args, **options)
