"""Backups of the whole database, and restoring one: `manage.py backup --out FILE`,
`manage.py restore FILE`.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies a consistent
  snapshot page by page while the product keeps serving (WAL: readers and the writer
  go on); the copy is checked with `PRAGMA integrity_check`. The backup is itself a
  SQLite database file. Restoring copies it back with the same API into the configured
  database file, in place.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, taken while serving) and
  `pg_restore --clean --if-exists --single-transaction` (all or nothing), run with the
  connection details of DATABASE_URL. The client tools must not be older than the
  server; `pg_dump` refuses otherwise, and we say which versions met.

`fingerprint()` gives each table's row count and a checksum of its rows (independent of
row order), so a restore can be compared with what was backed up.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass(frozen=True)
class Database:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @classmethod
    def of(cls, alias: str = "default") -> Database:
        conn = connections[alias]
        return cls(conn.vendor, conn.settings_dict)

    @property
    def name(self) -> str:
        return str(self.settings["NAME"])

    def describe(self) -> str:
        if self.vendor == "sqlite":
            return f"the SQLite database {self.name}"
        host = self.settings.get("HOST") or "localhost"
        return f"the PostgreSQL database {self.name} on {host}"


def kind_of(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `manage.py backup`.")


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_backup(db: Database, out: Path) -> None:
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(db.name, timeout=60)
    try:
        target = sqlite3.connect(tmp)
        try:
            # pages=0: one step, a consistent snapshot (a writer waits for a moment at most)
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    finally:
        source.close()
    if check != "ok":
        tmp.unlink(missing_ok=True)
        raise BackupError(f"The copy failed SQLite's integrity check: {check}")
    tmp.replace(out)


def _sqlite_restore(db: Database, backup: Path) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{backup} failed SQLite's integrity check: {check}")
        Path(db.name).parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(db.name, timeout=60)
        try:
            source.backup(target)  # replaces every page of the live file, in place
        finally:
            target.close()
    finally:
        source.close()


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_env(db: Database) -> dict[str, str]:
    s = db.settings
    env = dict(os.environ)
    for key, value in {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGSSLMODE": (s.get("OPTIONS") or {}).get("sslmode"),
    }.items():
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"`{name}` is not installed. Install the PostgreSQL client tools of your server's "
            "major version (Debian: apt-get install postgresql-client)."
        )
    return path


def client_version(tool: str = "pg_dump") -> int:
    out = subprocess.run(  # noqa: S603 (our own arguments, the tool found on PATH)
        [_tool(tool), "--version"], capture_output=True, text=True, check=True
    )
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return int(match.group(1)) if match else 0


def server_version(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def check_versions(alias: str = "default") -> str:
    """A line saying which client and server versions meet; raises if pg_dump is older."""
    client, server = client_version(), server_version(alias)
    if client < server:
        raise BackupError(
            f"pg_dump is version {client} but the server is PostgreSQL {server}: pg_dump "
            f"cannot dump a newer server. Install postgresql-client-{server}."
        )
    if client != server:
        return f"pg_dump {client} with PostgreSQL server {server} (a newer client works)."
    return f"pg_dump {client}, PostgreSQL server {server}."


def _run(args: list[str], db: Database) -> None:
    done = subprocess.run(  # noqa: S603 (our own arguments, the tool found on PATH)
        args, env=_pg_env(db), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _pg_backup(db: Database, out: Path) -> None:
    tmp = out.with_name(out.name + ".partial")
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={tmp}",
            db.name,
        ],
        db,
    )
    tmp.replace(out)


def _pg_create_if_missing(db: Database) -> bool:
    import psycopg

    s = db.settings
    with psycopg.connect(
        dbname="postgres",
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name]).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{db.name}"')
        return True


def _pg_restore(db: Database, backup: Path) -> None:
    connections.close_all()
    _pg_create_if_missing(db)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={db.name}",
            str(backup),
        ],
        db,
    )


# --- what the commands call -----------------------------------------------------------------


def backup(out: Path, alias: str = "default") -> Database:
    db = Database.of(alias)
    out.parent.mkdir(parents=True, exist_ok=True)
    if db.vendor == "sqlite":
        _sqlite_backup(db, out)
    elif db.vendor == "postgresql":
        check_versions(alias)
        _pg_backup(db, out)
    else:
        raise BackupError(f"Backups of {db.vendor} databases are not supported.")
    return db


def restore(path: Path, alias: str = "default") -> Database:
    db = Database.of(alias)
    kind = kind_of(path)
    if kind != db.vendor:
        raise BackupError(
            f"{path} is a {kind} backup but DATABASE_URL points at {db.describe()}; restore "
            "it into a database of the same kind."
        )
    connections[alias].close()
    if db.vendor == "sqlite":
        _sqlite_restore(db, path)
    else:
        _pg_restore(db, path)
    return db


def _normal(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def fingerprint(alias: str = "default") -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its rows, whatever their order."""
    conn = connections[alias]
    result: dict[str, tuple[int, str]] = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608
            digests = sorted(
                hashlib.sha256(repr(tuple(map(_normal, row))).encode()).digest()
                for row in cursor.fetchall()
            )
            result[table] = (len(digests), hashlib.sha256(b"".join(digests)).hexdigest())
    return result
