"""Every command in the README's Operate block works exactly as written after `make run`.

`make run` (bin/serve) generates var/secret_key and migrates; `manage.py` must then find
that key by itself (the issue: "SECRET_KEY must be set"). The test does the same set-up
against a fresh migrated database (a copy of the suite's, tests/processes.py) and runs
each line of the block in a shell, in order, with no SECRET_KEY, DEBUG or TESTING in the
environment. `createsuperuser` asks its questions in a terminal, so it runs in a
pseudo-terminal that answers them."""

from __future__ import annotations

import os
import pty
import re
import secrets
import select
import subprocess
from pathlib import Path

from tests.processes import run_captured

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"


def operate_block() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Operate", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's Operate section has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def make_run_environment(tmp_path: Path) -> dict[str, str]:
    """What `make run` leaves behind: var/secret_key, and a migrated database (here a
    fresh one of our own). The shell environment has no SECRET_KEY."""
    key_file = REPO / "var" / "secret_key"
    key_file.parent.mkdir(exist_ok=True)
    if not key_file.exists() or not key_file.read_text().strip():
        key_file.write_text(secrets.token_urlsafe(50) + "\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "TESTING", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
        and not k.startswith(("PYTEST", "TEST_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return env


def in_terminal(command: str, *, cwd: Path, env: dict[str, str], answers: list[tuple[str, str]]):
    """Run `command` on a pseudo-terminal, typing each answer when its prompt appears."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    output, pending = b"", list(answers)
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            output += chunk
            while pending and pending[0][0].encode() in output.rsplit(b"\n", 1)[-1]:
                os.write(master, pending.pop(0)[1].encode() + b"\n")
                output += b"\n"
        code = process.wait(timeout=60)
    finally:
        os.close(master)
    return code, output.decode(errors="replace")


def test_secret_key_comes_from_the_file_make_run_writes(tmp_path):
    env = make_run_environment(tmp_path)
    shown = subprocess.run(
        [
            str(PYTHON),
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; "
            "print(settings.SECRET_KEY == open('var/secret_key').read().strip())",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "True"


def test_every_operate_command_works_as_written(tmp_path, file_db):
    # file_db: tmp_path/db.sqlite3, a copy of the suite's migrated database (what
    # `manage.py migrate` makes, without 30 s of migrating in one more process)
    env = make_run_environment(tmp_path)
    assert env["DATABASE_URL"] == f"sqlite:///{file_db}"
    # the commands are written relative to the repository; run them in a scratch folder
    # that looks like it, so ladder.xlsx and friends land there
    for name in (".venv", "manage.py"):
        (tmp_path / name).symlink_to(REPO / name)
    commands = operate_block()
    assert len(commands) >= 8
    for command in commands:
        if "createsuperuser" in command:
            code, output = in_terminal(
                command,
                cwd=tmp_path,
                env=env,
                answers=[
                    ("Username", "operator"),
                    ("Email address", "operator@example.com"),
                    ("Password:", "operator-password-2026"),
                    ("Password (again)", "operator-password-2026"),
                ],
            )
            assert code == 0, f"{command}\n{output}"
            assert "Superuser created successfully." in output
            continue
        done = run_captured(["bash", "-c", command], env=env, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, f"{command}\n{done.stderr}"
    assert (tmp_path / "ladder.xlsx").stat().st_size > 0


def test_dotenv_is_read_as_the_shell_reads_it():
    from clb.dotenv import parse

    text = (
        "DEBUG=0   # never in production\n"
        'DEFAULT_FROM_EMAIL="Ladders <no-reply@x.test>"\n'
        "# SITE_URL=x\n"
    )
    assert parse(text) == {"DEBUG": "0", "DEFAULT_FROM_EMAIL": "Ladders <no-reply@x.test>"}
