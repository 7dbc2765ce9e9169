"""The migrated SQLite test database, kept between runs (tests/conftest.py).

Every pytest process (each xdist worker) migrates its in-memory test database: about
30 s of CPU for the project's migrations. The first run on a machine saves the migrated
database to the system's temporary folder under a key of everything that shapes it
(migrations, models, app configs, settings, the locked dependencies); later runs copy it
into memory instead (SQLite's backup API, milliseconds) and reinstall the database
guards, whose triggers are written in Python (organizations/db_guards.py), not in
migrations. Saved under another name and renamed when complete, so a half-made one is
never copied.

The same pristine copy, written to a file, is the migrated file database of the tests
that start real processes (tests/processes.py `migrated_file_db`), instead of a
`manage.py migrate` in a subprocess.

CLB_TEST_SCHEMA_CACHE=0 migrates as before."""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
_pristine: dict[str, Path] = {}  # alias → this process's copy of its fresh test database


def schema_key() -> str:
    digest = hashlib.sha256()
    paths = [ROOT / "uv.lock", ROOT / "clb" / "settings.py"]
    for pattern in ("*/migrations/*.py", "*/models.py", "*/models/*.py", "*/apps.py"):
        paths += sorted(ROOT.glob(pattern))
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _save(connection: Any, path: Path) -> None:
    making = path.with_name(f"{path.name}.making-{secrets.token_hex(4)}")
    with closing(sqlite3.connect(making)) as target:
        connection.connection.backup(target)
    os.replace(making, path)


def pristine_copy(alias: str, target: Path) -> bool:
    """Write this process's fresh test database to `target` (WAL, as `migrate` leaves a
    file database); False when there is none (not SQLite in memory, or cache off)."""
    source = _pristine.get(alias)
    if source is None:
        return False
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    return True


@contextmanager
def cached_sqlite_test_db() -> Iterator[None]:
    from django.core import management
    from django.db.backends.sqlite3.creation import DatabaseCreation

    from organizations import db_guards

    if os.environ.get("CLB_TEST_SCHEMA_CACHE", "1") == "0":
        yield
        return
    original = DatabaseCreation.create_test_db

    def create_test_db(
        self: Any,
        verbosity: int = 1,
        autoclobber: bool = False,
        serialize: Any = None,
        keepdb: bool = False,
    ) -> str:
        if (
            not self.is_in_memory_db(self._get_test_db_name())
            or self.connection.settings_dict["TEST"].get("MIGRATE") is False
            or serialize
        ):
            return original(self, verbosity, autoclobber, serialize, keepdb)  # type: ignore[no-any-return]
        cached = Path(tempfile.gettempdir()) / f"clb-test-schema-{schema_key()}.sqlite3"
        if cached.exists():
            with mock.patch.object(management, "call_command"):  # no migrate, no cache table
                name = original(self, verbosity, autoclobber, serialize, keepdb)
            with closing(sqlite3.connect(f"file:{cached}?mode=ro", uri=True)) as source:
                source.backup(self.connection.connection)
            db_guards.install(self.connection.alias)
        else:
            name = original(self, verbosity, autoclobber, serialize, keepdb)
            _save(self.connection, cached)
        mine = Path(tempfile.gettempdir()) / f"clb-test-fresh-{os.getpid()}.sqlite3"
        _save(self.connection, mine)
        _pristine[self.connection.alias] = mine
        return name  # type: ignore[no-any-return]

    with mock.patch.object(DatabaseCreation, "create_test_db", create_test_db):
        try:
            yield
        finally:
            for path in _pristine.values():
                path.unlink(missing_ok=True)
