"""The Redis queue (TASKS_BACKEND=redis: django-tasks-redis on the Redis at 127.0.0.1:6379)
for real: a task enqueued through `django.tasks` by a process configured for Redis is run
by `manage.py worker` (which starts `run_redis_tasks --continuous` for that setting) and
its result (status, return value, the row it changed) is read back. The queue's keys
get a prefix of their own and are removed afterwards. Skipped when Redis is not
listening here. The database queue stays the default (the rest of the suite runs on it).
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from django.tasks import task

from tests.processes import REDIS_URL, ROOT, listening, process_env, run, run_python

pytestmark = pytest.mark.skipif(not listening(6379), reason="needs Redis on 127.0.0.1:6379")


def _backend(prefix: str) -> Any:
    """The same queue as the processes', read from this test."""
    from django_tasks_redis import RedisTaskBackend

    return RedisTaskBackend(
        "default",
        {
            "QUEUES": ["default"],
            "OPTIONS": {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix},
        },
    )


ENQUEUE = """
from django.utils import timezone
from django.conf import settings
from django.tasks import task_backends
from jobs.models import ScheduledRun
from jobs.tasks import run_scheduled_job
assert type(task_backends["default"]).__name__ == "RedisTaskBackend", settings.TASKS
assert "django_tasks_redis" in settings.INSTALLED_APPS
run = ScheduledRun.objects.create(job="prune", due_at=timezone.now())
result = run_scheduled_job.enqueue(run.pk)
print(result.id, result.status, run.pk)
"""


def test_a_task_goes_through_redis_to_the_worker_and_back(file_db, queue_prefix):
    import sqlite3

    env = process_env(
        file_db,
        TASKS_BACKEND="redis",
        REDIS_URL=REDIS_URL,
        TASKS_REDIS_PREFIX=queue_prefix,
        SCHEDULER_ENABLED="0",  # only the task this test enqueues
    )
    task_id, status, run_id = run_python(file_db, ENQUEUE, **env).split()[-3:]
    assert status == "READY"
    backend = _backend(queue_prefix)
    assert backend.get_result(task_id).status == "READY"  # waiting in Redis, no worker yet

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            result = backend.get_result(task_id)
            if result.status in {"SUCCESSFUL", "FAILED"}:
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)  # graceful: the worker leaves its consumer group
        output, _ = worker.communicate(timeout=30)
    assert result.status == "SUCCESSFUL", ([e.traceback for e in result.errors], output[-3000:])
    assert result.return_value == "done"
    assert len(result.worker_ids) == 1
    assert "Starting Redis task worker" in output and "Processed 1 task(s)" in output
    with sqlite3.connect(file_db) as conn:
        row = conn.execute(
            "SELECT status, attempts FROM jobs_scheduledrun WHERE id=?", (int(run_id),)
        ).fetchone()
    assert row == ("done", 1)
    assert worker.returncode == 0


def test_the_database_queue_stays_the_default(settings):
    # (the tests themselves run tasks at once: conftest's ImmediateBackend)
    assert settings.TASKS_BACKEND_PATH == "django_tasks_db.DatabaseBackend"
    assert not settings.TASKS_ON_REDIS
    assert "django_tasks_redis" not in settings.INSTALLED_APPS


def test_the_redis_queue_needs_a_url(tmp_path):
    done = run(tmp_path / "db.sqlite3", ["manage.py", "check"], timeout=120, TASKS_BACKEND="redis")
    assert done.returncode != 0
    assert "TASKS_BACKEND=redis needs TASKS_REDIS_URL or REDIS_URL" in done.stderr


def test_the_worker_command_runs_the_configured_queues_worker(settings):
    from core.management.commands.worker import worker_command

    assert worker_command() == ["db_worker"]
    settings.TASKS_ON_REDIS = True
    assert worker_command() == ["run_redis_tasks", "--continuous"]


@task()
def boom(n: int) -> None:
    raise ValueError(f"boom {n}")


@pytest.fixture
def on_redis(settings, queue_prefix):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "QUEUES": ["default"],
            "OPTIONS": {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": queue_prefix},
        }
    }
    settings.TASKS_ON_REDIS = True
    return settings


def test_a_failed_redis_task_is_shown_to_the_operator_and_readyz_pings_the_queue(on_redis):
    from django.tasks import task_backends
    from django.utils import timezone

    from core.health import readiness
    from jobs.management.commands.jobs import failed_tasks

    result = boom.enqueue(7)
    task_backends["default"].run_task(result.id, worker_id="here")  # as a worker would
    assert task_backends["default"].get_result(result.id).status == "FAILED"
    failed = failed_tasks(timezone.now() - dt.timedelta(days=1))
    assert [(f.task_path, f.exception_class_path) for f in failed] == [
        ("tests.jobs.test_redis_queue.boom", "builtins.ValueError")
    ]
    assert failed_tasks(timezone.now() + dt.timedelta(minutes=1)) == []
    ok, report = readiness()
    assert report["queue"].startswith("ok"), report

    on_redis.TASKS["default"]["OPTIONS"]["REDIS_URL"] = "redis://127.0.0.1:1/0"
    on_redis.TASKS = dict(on_redis.TASKS)  # a queue nobody answers: not ready
    ok, report = readiness()
    assert not ok and report["queue"].startswith("failed"), report
