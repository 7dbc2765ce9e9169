"""Rules the database itself enforces, below the models: triggers on SQLite and
PostgreSQL, (re)installed after every `migrate` (the `post_migrate` signal), so a
migration that rebuilds a table on SQLite cannot silently lose them.

Apps register a provider in their `AppConfig.ready()`:

    db_guards.register(my_triggers)   # a callable returning `Trigger`s

Every trigger's name starts with `clb_`; installing drops every `clb_` trigger first,
then creates the current set, so a renamed or removed trigger does not linger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections

PREFIX = "clb_"


@dataclass(frozen=True)
class Trigger:
    """One trigger: its name (starting with `clb_`), its table, and the statement that
    creates it on each database ("" where it has no part on that database).
    `postgresql_setup` holds the functions it calls (`CREATE OR REPLACE FUNCTION ...`)."""

    name: str
    table: str
    sqlite: str = ""
    postgresql: str = ""
    postgresql_setup: str = ""


Provider = Callable[[], Iterable[Trigger]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def triggers() -> list[Trigger]:
    found = [t for provider in _providers for t in provider()]
    assert all(t.name.startswith(PREFIX) for t in found), "trigger names start with clb_"
    return found


def _existing(cursor: Any, vendor: str) -> list[tuple[str, str]]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
            [PREFIX + "%"],
        )
    else:
        cursor.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [PREFIX + "%"],
        )
    return list(cursor.fetchall())


def install(using: str = "default") -> int:
    """Drop every `clb_` trigger and create the registered ones. Returns how many."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return 0
    wanted = triggers()
    with connection.cursor() as cursor:
        for name, table in _existing(cursor, vendor):
            if vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            else:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        if vendor == "postgresql":
            for setup in dict.fromkeys(t.postgresql_setup for t in wanted if t.postgresql_setup):
                cursor.execute(setup)
        for trigger in wanted:
            sql = trigger.postgresql if vendor == "postgresql" else trigger.sqlite
            if sql:
                cursor.execute(sql)
    return len(wanted)


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    install(using)
