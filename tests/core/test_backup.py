"""`manage.py backup` and `manage.py restore`: a backup taken while a writer holds the
database restores into a new database with every table's row count and row checksum
equal to the original's. On a SQLite file always; on PostgreSQL too when DATABASE_URL
points there (pg_dump / pg_restore into a database the restore creates)."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from pathlib import Path

import pytest

from tests.processes import manage, run, run_python

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

DATA = """
from jobs.scheduler import tick
from organizations.scoping import scope
from organizations.services import create_organization, create_user
from people.services import create_person

owner = create_user("hr@acme.test", password="a-long-password-1", name="Hana")
org = create_organization(name="Acme", slug="acme", owner=owner, owner_name="Hana")
with scope(org):
    for i in range(25):
        create_person(org, actor=owner, name=f"Person {i}", email=f"p{i}@acme.test")
tick()
"""
FINGERPRINT = "import json; from core.backup import fingerprint; print(json.dumps(fingerprint()))"


def fingerprint_of(db: Path, **extra: str) -> dict[str, list]:
    return json.loads(run_python(db, FINGERPRINT, **extra).strip().splitlines()[-1])


def test_sqlite_backup_while_writing_restores_every_row(file_db, tmp_path):
    run_python(file_db, DATA)
    before = fingerprint_of(file_db)
    assert before["people_person"][0] == 26  # the owner and 25 people
    # a writer is in the middle of a transaction: the backup neither waits nor sees it
    writer = sqlite3.connect(file_db, timeout=1, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM people_person")
    backup = tmp_path / "backup.sqlite3"
    done = manage(file_db, "backup", "--out", str(backup), timeout=120)
    writer.execute("ROLLBACK")
    writer.close()
    assert "Backed up the SQLite database" in done.stdout
    restored = tmp_path / "restored" / "db.sqlite3"
    done = manage(restored, "restore", str(backup), "--yes", timeout=120)
    assert "tables" in done.stdout and "rows" in done.stdout
    after = fingerprint_of(restored)
    assert set(after) == set(before) and len(after) > 50
    assert after == before  # every table: the same row count and checksum


def test_restore_asks_first_and_refuses_what_is_not_a_backup(file_db, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    manage(file_db, "backup", "--out", str(backup), timeout=120)
    target = tmp_path / "other.sqlite3"
    refused = run(target, ["manage.py", "restore", str(backup)], timeout=120, input="no\n")
    assert refused.returncode != 0
    assert "This replaces everything in the SQLite database" in refused.stdout
    assert "Nothing was restored." in refused.stderr
    assert not target.exists() or target.stat().st_size == 0
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    refused = run(target, ["manage.py", "restore", str(junk), "--yes"], timeout=120)
    assert refused.returncode != 0 and "is not a backup" in refused.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="DATABASE_URL does not point at PostgreSQL")
def test_postgresql_backup_restores_into_a_new_database(transactional_db, tmp_path):
    from django.conf import settings
    from django.core.management import call_command

    from core.backup import check_versions, fingerprint
    from organizations.scoping import scope
    from organizations.services import create_organization, create_user
    from people.services import create_person

    owner = create_user("hr@acme.test", password="a-long-password-1", name="Hana")
    org = create_organization(name="Acme", slug="acme", owner=owner, owner_name="Hana")
    with scope(org):
        for i in range(25):
            create_person(org, actor=owner, name=f"Person {i}", email=f"p{i}@acme.test")
    before = json.loads(json.dumps(fingerprint()))
    assert check_versions().startswith("pg_dump")
    backup = tmp_path / "backup.dump"
    call_command("backup", "--out", str(backup))
    db = settings.DATABASES["default"]
    base = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
    name = f"clb_restore_{secrets.token_hex(4)}"
    try:
        env = {"DATABASE_URL": f"{base}/{name}"}
        done = run(
            tmp_path / "unused", ["manage.py", "restore", str(backup), "--yes"], timeout=300, **env
        )
        assert done.returncode == 0, done.stderr[-3000:]
        after = fingerprint_of(tmp_path / "unused", **env)
        assert after == before
    finally:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
