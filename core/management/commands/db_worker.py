"""`manage.py db_worker` (django-tasks-db's worker) that first tells the apps it is
starting (`organizations.signals.worker_started`): import jobs a killed worker left running are
marked failed, exactly once. `core` is listed before django_tasks_db in INSTALLED_APPS,
so this command is the one `manage.py` runs."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from organizations.signals import worker_started


class Command(WorkerCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        worker_started.send(sender=self.__class__)
        super().handle(*args, **options)
