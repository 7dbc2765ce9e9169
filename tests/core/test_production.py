"""The production configuration on loopback: gunicorn (2 workers, gunicorn.conf.py) with
the production settings (DEBUG off, HTTPS behind a proxy, JSON logs), PostgreSQL and
Redis at 127.0.0.1 (Redis holds the cache, the sessions' cache and the job queue:
TASKS_BACKEND=redis), and one background worker (`manage.py worker`).

One run, in order: /readyz reports the database, the cache and the queue; the worker's
scheduler starts the due review reminders and is killed (SIGKILL) in the middle of that
run — one organization done and committed, the next one not — (a test-only launcher,
tests/core/pausing_worker.py, pauses the job there; the product has no such hook); a
person logs in and opens pages; the worker is restarted and finishes the run: every
organization's reminder exists once and is e-mailed once; a Master Template workbook
big enough for the background (1,100 people) is uploaded, checked by the worker,
confirmed and applied by the worker; every due job is done; the log lines are JSON with
the request id. Skipped when PostgreSQL or Redis is not running here (CI starts
PostgreSQL; Redis runs at 127.0.0.1:6379 on our machines)."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from jobs.schedule import jobs
from tests.processes import REDIS_URL, listening
from tests.spreadsheets.workbooks import design_with_people

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("PRODUCTION_TEST_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "correct-horse-battery"
WAIT = 600  # seconds for any one step: generous, for a busy machine (a process starts in 1-60 s)
PEOPLE = 1100  # over the 1,000 rows / 300 people checked and applied within the request


pytestmark = [
    pytest.mark.skipif(
        not (listening(5432) and listening(6379)), reason="needs PostgreSQL and Redis on loopback"
    ),
    # It makes its own PostgreSQL database whatever the suite runs on, so the suite's
    # PostgreSQL pass (.ci/run) would only repeat the SQLite pass's run.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="run once, in the SQLite pass of the suite",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _schema_key() -> str:
    """Changes with any migration or dependency: names the migrated template database."""
    digest = hashlib.sha256((ROOT / "uv.lock").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _template(tmp_path: Path) -> str:
    """A migrated database to copy (CREATE DATABASE … TEMPLATE): migrating takes most of
    this test's time, so it is done once per schema on each machine. Made under another
    name and renamed when complete, so a half-migrated one is never copied."""
    import psycopg

    name = f"clb_prod_template_{_schema_key()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()}
        if name in names:
            return name
        older = [n for n in names if n.startswith("clb_prod_template_")]
        if len(older) > 3:  # other schemas' (other branches may still use the newest few)
            for old in older:
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        making = f"clb_prod_making_{secrets.token_hex(4)}"
        conn.execute(f'CREATE DATABASE "{making}"')
    _manage(production_env(f"{PG}/{making}", tmp_path, 0), "migrate", "--noinput", "-v", "0")
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        try:
            conn.execute(f'ALTER DATABASE "{making}" RENAME TO "{name}"')
        except psycopg.errors.DuplicateDatabase:  # another run made it meanwhile
            conn.execute(f'DROP DATABASE "{making}" WITH (FORCE)')
    return name


def _static_root(env: dict[str, str]) -> str:
    """`collectstatic` with the production storage (hashed names, gzip and brotli copies)
    takes minutes on a busy machine: done once per set of static files, in the system's
    temporary folder, under another name and renamed when complete."""
    digest = hashlib.sha256((ROOT / "uv.lock").read_bytes())
    for path in sorted(p for p in ROOT.glob("static/**/*") if p.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    root = Path(tempfile.gettempdir()) / f"clb-prod-static-{digest.hexdigest()[:12]}"
    if not (root / "staticfiles.json").exists():
        making = root.with_name(f"{root.name}-making-{secrets.token_hex(4)}")
        _manage({**env, "STATIC_ROOT": str(making)}, "collectstatic", "--noinput", "-v", "0")
        try:
            making.rename(root)
        except OSError:  # another run made it meanwhile
            shutil.rmtree(making, ignore_errors=True)
    return str(root)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A new PostgreSQL database for this test, migrated (a copy of the template)."""
    import psycopg

    template = _template(tmp_path)
    name = f"clb_prod_{secrets.token_hex(4)}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield f"{PG}/{name}"
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(
    database: str, tmp_path: Path, port: int, prefix: str = "clb-tasks"
) -> dict[str, str]:
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
        REDIS_URL=REDIS_URL,
        TASKS_BACKEND="redis",
        TASKS_REDIS_PREFIX=prefix,
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
        SCHEDULER_STALE_SECONDS="3",  # a run its worker stopped stamping is taken over soon
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *(args if args[0] == "-c" else ("manage.py", *args))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


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


class Browser:
    """A person's browser behind the HTTPS proxy: cookies kept, redirects not followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict[str, str], str]:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if method == "POST":
            headers |= {"Origin": origin, "Referer": origin + path, "Content-Type": content_type}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), response.read().decode()
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:2000]
        return found.group(1)

    def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[int, dict[str, str], str]:
        boundary = secrets.token_hex(16)
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, data) in (files or {}).items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            )
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, body.getvalue(), f"multipart/form-data; boundary={boundary}"
        )


SETUP = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
import django
django.setup()
import datetime as dt
from django.utils import timezone
from organizations.models import Role
from organizations.scoping import scope
from organizations.services import add_member, create_organization
from people.services import ensure_person_for_user, update_person
from tests.conftest import World, make_user
from tests.framework_fixtures import load, small_family
from tests.reviews.factories import Team, place_team
from tests.reviews.helpers import open_cycle

today = timezone.localdate()
for slug in ("alpha", "beta"):  # each with Emma's self review due in 7 days
    owner = make_user(f"olivia@{slug}.test", "Olivia Owner")
    hr = make_user(f"hana@{slug}.test", "Hana Hr")
    manager = make_user(f"max@{slug}.test", "Max Manager")
    employee = make_user(f"emma@{slug}.test", "Emma Employee")
    org = create_organization(name=slug.title(), slug=slug, owner=owner, owner_name="Olivia")
    with scope(org):
        add_member(org, hr, role=Role.HR_ADMIN, actor=owner)
        add_member(org, manager, role=Role.MEMBER, actor=owner)
        add_member(org, employee, role=Role.MEMBER, actor=owner)
        users = (owner, hr, manager, employee)
        people = [ensure_person_for_user(org, u, actor=owner) for u in users]
        update_person(people[3], actor=owner, expected_revision=None, manager=people[2])
        world = World(org, None, owner, hr, manager, employee, None, *people, None)
        v1 = load(org, small_family(), actor=hr, publish=True)
        levels, _, _ = place_team(world, v1, manager_level="PM3", employee_level="PM2", peers=0)
        open_cycle(
            world,
            Team(v1.family, v1, levels, world.p_employee, world.p_manager, [], []),
            inputs={"self": True, "manager": True, "peers": 0},
            deadlines={"self": today + dt.timedelta(7), "manager": today + dt.timedelta(60)},
        )
owner = make_user("olivia@gamma.test", "Olivia Owner")
create_organization(name="Gamma", slug="gamma", owner=owner, owner_name="Olivia")
print("set up")
"""


def _wait(predicate: Callable[[], Any], timeout: float, what: Callable[[], str]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out: {what()}")


def test_gunicorn_postgresql_redis_and_a_worker_serve_for_real(
    database,
    tmp_path,
    queue_prefix,
):
    import psycopg

    def sql(query: str, *args: object) -> list[tuple]:
        with psycopg.connect(database) as conn:
            return conn.execute(query, args).fetchall()  # type: ignore[arg-type]

    def logs() -> str:
        return "\n".join(
            f"--- {name}\n{(tmp_path / name).read_text()[-2500:]}"
            for name in ("web.log", "worker-1.log", "worker-2.log")
            if (tmp_path / name).exists()
        )

    started = time.monotonic()
    begun = dt.datetime.now(dt.UTC)

    def mark(what: str) -> None:  # the phases' times, shown with -s or on a failure
        print(f"{time.monotonic() - started:6.1f} s  {what}")

    port = _free_port()
    env = production_env(database, tmp_path, port, queue_prefix)
    env |= {"PAUSE_DIR": str(tmp_path), "PAUSE_AT_ORG": "beta"}
    env["STATIC_ROOT"] = _static_root(env)
    _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    mark("collectstatic (once per set of files), check --deploy")
    _manage(env, "-c", SETUP)
    mark("three organizations, two review cycles")
    web = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "clb.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "web.log", "w"),  # noqa: SIM115
    )

    def start_worker(n: int) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{n}.log", "w")  # noqa: SIM115
        return subprocess.Popen(
            [sys.executable, "tests/core/pausing_worker.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    worker = start_worker(1)
    try:
        # ready: the database, the cache and the queue (Redis) answer
        def ready() -> bool:
            try:
                return _get(port, "/readyz")[0] == 200
            except OSError:
                return False

        _wait(ready, WAIT, logs)
        mark("ready")
        status, headers, body = _get(port, "/readyz")
        report = json.loads(body)
        assert all(report[k].startswith("ok") for k in ("database", "cache", "queue")), report
        status, headers, body = _get(port, "/pricing/")
        assert status == 200 and b"</html>" in body
        assert headers["X-Request-ID"] == "probe-12345678"
        assert "max-age=31536000" in headers["Strict-Transport-Security"]

        # the scheduler's review-reminders run: Alpha done and committed, killed in Beta's
        _wait(lambda: (tmp_path / "paused").exists(), WAIT, logs)
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        mark("worker killed in the middle of the reminders run")
        run = "SELECT status, attempts, outcome FROM jobs_scheduledrun WHERE job='review-reminders'"
        state, attempts, outcome = sql(run)[0]
        assert (state, attempts) == ("running", 1)
        alpha, beta = (
            sql("SELECT id FROM organizations_organization WHERE slug=%s", s)[0][0]
            for s in ("alpha", "beta")
        )
        assert list(outcome["done"]) == [str(alpha)]
        reminders = "SELECT count(*) FROM reviews_reminder WHERE organization_id=%s"
        assert [sql(reminders, org)[0][0] for org in (alpha, beta)] == [1, 0]

        # a person logs in and opens pages (the web processes need no worker)
        browser = Browser(port)
        status, _, page = browser.get("/accounts/login/")
        assert status == 200
        status, headers, _ = browser.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": browser.csrf(page),
                "login": "olivia@gamma.test",
                "password": PASSWORD,
            },
        )
        assert status == 302, logs()
        status, _, page = browser.get(headers["Location"])
        assert status == 200 and "Gamma" in page
        status, _, page = browser.get("/spreadsheets/")
        assert status == 200 and "</html>" in page

        mark("logged in, two pages")
        # the worker comes back and finishes the run, Beta only: each reminder once
        worker = start_worker(2)
        _wait(lambda: sql(run)[0][0] == "done", WAIT, lambda: f"{sql(run)}\n{logs()}")
        state, attempts, outcome = sql(run)[0]
        assert attempts == 2 and {str(alpha), str(beta)} <= set(outcome["done"])
        assert [sql(reminders, org)[0][0] for org in (alpha, beta)] == [1, 1]
        sent = "SELECT count(*) FROM reviews_reminder WHERE sent_at IS NOT NULL"
        _wait(lambda: sql(sent)[0][0] == 2, WAIT, logs)

        mark("restarted worker finished the run; reminders e-mailed")
        # an import: uploaded through the web, checked and applied by the worker
        status, headers, _ = browser.post(
            "/spreadsheets/upload/",
            {"csrfmiddlewaretoken": browser.csrf(page)},
            {"file": ("gamma.xlsx", design_with_people(PEOPLE, "gamma.test"))},
        )
        assert status == 302, logs()
        job_page = headers["Location"]
        job = "SELECT status, errors FROM spreadsheets_importjob ORDER BY id DESC LIMIT 1"
        assert sql(job)[0][0] == "checking"  # too big for the request: queued
        _wait(lambda: sql(job)[0][0] != "checking", WAIT, lambda: f"{sql(job)}\n{logs()}")
        assert sql(job)[0][0] == "ready", sql(job)
        mark("import checked by the worker")
        status, _, page = browser.get(job_page)
        assert status == 200
        status, _, _ = browser.post(
            job_page + "confirm/", {"csrfmiddlewaretoken": browser.csrf(page)}
        )
        assert status == 302
        _wait(lambda: sql(job)[0][0] != "applying", WAIT, lambda: f"{sql(job)}\n{logs()}")
        assert sql(job)[0][0] == "done", sql(job)
        mark("import applied by the worker")
        gamma = (
            "SELECT count(*) FROM people_person p JOIN organizations_organization o"
            " ON o.id = p.organization_id WHERE o.slug = 'gamma'"
        )
        assert sql(gamma)[0][0] == PEOPLE + 1  # and Olivia

        # every job due has run, once a slot: a slot is one period (an hour, a day), and on
        # a slow machine the test may cross into an hourly job's next one
        runs = sql("SELECT job, status FROM jobs_scheduledrun")
        assert all(s == "done" for _, s in runs), (runs, logs())
        now = dt.datetime.now(dt.UTC)
        for job in jobs():
            slots = {job.slot(begun), job.slot(now)}
            ran = sum(name == job.name for name, _ in runs)
            assert 1 <= ran <= len(slots), (job.name, runs, logs())
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.terminate()
        for proc in (web, worker):
            proc.wait(30)
    # each reminder e-mailed once, though the run was cut in two
    mail = (tmp_path / "worker-1.log").read_text() + (tmp_path / "worker-2.log").read_text()
    for slug in ("alpha", "beta"):
        assert mail.count(f"To: emma@{slug}.test\nSubject: Reminder:") == 1, mail[-3000:]
    # JSON log lines, the request's id on the request's line
    text = (tmp_path / "web.log").read_text().splitlines()
    lines = [json.loads(line) for line in text if line.startswith("{")]
    assert len(lines) >= len(text) - 2, text[:10]  # gunicorn's own lines are JSON too
    mine = [line for line in lines if line.get("request_id") == "probe-12345678"]
    assert any(line["logger"] == "clb.request" and line["path"] == "/pricing/" for line in mine)
    assert any(line.get("path") == "/spreadsheets/upload/" for line in lines)
