"""The production configuration on loopback: gunicorn (2 workers, gunicorn.conf.py) with
the production settings (DEBUG off, HTTPS behind a proxy, JSON logs), PostgreSQL and
Redis at 127.0.0.1, and one background worker. /readyz reports the database, the cache
and the queue; a page is served with its request id; the worker's scheduler carries out
the due jobs on PostgreSQL. Skipped when PostgreSQL or Redis is not running here (CI
starts PostgreSQL; Redis runs at 127.0.0.1:6379 on our machines)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("PRODUCTION_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


pytestmark = pytest.mark.skipif(
    not (_listening(5432) and _listening(6379)), reason="needs PostgreSQL and Redis on loopback"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    import psycopg

    name = f"clb_prod_{secrets.token_hex(4)}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database: str, tmp_path: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_", "TEST_", "CACHE_", "REDIS"))
        and k not in {"TESTING", "DEBUG", "DATABASE_URL", "SECRET_KEY"}
    }
    env.update(
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database,
        REDIS_URL="redis://127.0.0.1:6379/0",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        SECURE_HTTPS="1",
        TRUSTED_PROXIES="127.0.0.1",
        LOG_FORMAT="json",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        SCHEDULER_TICK_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"X-Forwarded-Proto": "https", "X-Request-ID": "probe-12345678"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_postgresql_redis_and_a_worker_serve_for_real(database, tmp_path):
    import psycopg

    port = _free_port()
    env = production_env(database, tmp_path, port)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    web = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "clb.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "web.log", "w"),  # noqa: SIM115
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "worker.log", "w"),  # noqa: SIM115
    )
    try:
        deadline = time.time() + 120
        status = 0
        while time.time() < deadline:
            try:
                status, headers, body = _get(port, "/readyz")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, (tmp_path / "web.log").read_text()[-3000:]
        ready = json.loads(body)
        assert ready["database"].startswith("ok") and ready["cache"].startswith("ok")
        assert ready["queue"].startswith("ok")
        status, headers, body = _get(port, "/pricing/")
        assert status == 200 and b"</html>" in body
        assert headers["X-Request-ID"] == "probe-12345678"
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        # the worker's scheduler runs every due job once, on PostgreSQL
        deadline = time.time() + 120
        runs: list[tuple] = []
        while time.time() < deadline:
            with psycopg.connect(database) as conn:
                runs = conn.execute("SELECT job, status FROM jobs_scheduledrun").fetchall()
            if len(runs) >= 5 and all(s == "done" for _, s in runs):
                break
            time.sleep(0.5)
        assert len(runs) >= 5 and all(s == "done" for _, s in runs), (
            runs,
            (tmp_path / "worker.log").read_text()[-3000:],
        )
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            proc.wait(30)
    # JSON log lines, the request's id on the request's line
    text = (tmp_path / "web.log").read_text().splitlines()
    lines = [json.loads(line) for line in text if line.startswith("{")]
    assert len(lines) >= len(text) - 2, text[:10]  # gunicorn's own lines are JSON too
    mine = [line for line in lines if line.get("request_id") == "probe-12345678"]
    assert any(line["logger"] == "clb.request" and line["path"] == "/pricing/" for line in mine)
