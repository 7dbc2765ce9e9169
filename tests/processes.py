"""Real processes for the tests that need them (two web processes sharing a rate limit,
a background worker killed mid-import): a migrated SQLite file database they share, and
a way to run Python against it in a fresh interpreter."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"


def listening(port: int) -> bool:
    """Something (PostgreSQL, Redis) answers on this loopback port."""
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def process_env(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DJANGO_SETTINGS", "DATABASE_URL", "CACHE_", "REDIS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clb.settings",
        DATABASE_URL=f"sqlite:///{db}",
        TESTING="1",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)  # may replace any of the above (e.g. a PostgreSQL DATABASE_URL)
    return env


def run_captured(
    args: list[str],
    *,
    env: dict[str, str],
    timeout: float,
    cwd: Path = ROOT,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `args` with `env` in `cwd` (the repository's folder) to the end: its output as
    text (a failing exit raises nothing; the test looks at the return code)."""
    return subprocess.run(
        args,
        input=input,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run(
    db: Path, args: list[str], *, timeout: float, input: str | None = None, **extra: str
) -> Any:
    return run_captured(
        [sys.executable, *args], env=process_env(db, **extra), timeout=timeout, input=input
    )


def run_python(db: Path, code: str, *, timeout: float = 120, **extra: str) -> str:
    """Run `code` (after django.setup()) in a new interpreter; its standard output."""
    done = run(db, ["-c", "import django; django.setup()\n" + code], timeout=timeout, **extra)
    assert done.returncode == 0, done.stderr[-3000:]
    return str(done.stdout)


def manage(db: Path, *args: str, timeout: float = 300, **extra: str) -> Any:
    done = run(db, ["manage.py", *args], timeout=timeout, **extra)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="session")
def migrated_file_db(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Path:
    """A migrated SQLite file with the cache table; copy it per test (`file_db`). A copy
    of the fresh in-memory test database when there is one (tests/schema_cache.py),
    otherwise (the PostgreSQL pass) `migrate` in a subprocess."""
    from tests.schema_cache import pristine_copy

    db = tmp_path_factory.mktemp("filedb") / "template.sqlite3"
    if not pristine_copy("default", db):
        manage(db, "migrate", "--noinput", "-v", "0")
        manage(db, "createcachetable")
    return db


@pytest.fixture
def file_db(migrated_file_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "db.sqlite3"
    db.write_bytes(migrated_file_db.read_bytes())
    return db


@pytest.fixture
def queue_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own for the Redis job queue
    (TASKS_REDIS_PREFIX); its keys are removed afterwards."""
    import redis

    prefix = f"clb-test-{secrets.token_hex(4)}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
