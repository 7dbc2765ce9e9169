"""Rules the database itself enforces, below the models: triggers on SQLite and
PostgreSQL, (re)installed after every `migrate` (the `post_migrate` signal), so a
migration that rebuilds a table on SQLite cannot silently lose them.

Apps register a provider in their `AppConfig.ready()`:

    db_guards.register(my_triggers)   # a callable returning `Trigger`s

Every trigger's name starts with `clb_`; installing drops every `clb_` trigger first,
then creates the current set, so a renamed or removed trigger does not linger.

Delete guards let one thing pass: `purging()`, the removal of whole organizations (and
the test database's flush, `core/management/commands/flush.py`). On PostgreSQL it sets
`clb.purge` for the transaction; on SQLite it flips a function the connection registers
(`clb_purging()`), which a client without it cannot call, so raw deletes fail closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

PREFIX = "clb_"
# conditions a delete trigger adds: "not inside purging()"
PG_NOT_PURGING = "current_setting('clb.purge', true) IS DISTINCT FROM 'on'"
SQLITE_NOT_PURGING = "clb_purging() = 0"
_purging: ContextVar[bool] = ContextVar("clb_purging", default=False)


@contextmanager
def purging(using: str = "default") -> Iterator[None]:
    """Let the guards pass, for removing whole organizations (operators only) and for
    erasing a person's name from the records that must be kept. Inside an outer
    transaction, the guards hold again once the block ends."""
    token = _purging.set(True)
    try:
        with transaction.atomic(using=using):
            connection = connections[using]
            postgresql = connection.vendor == "postgresql"
            if postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL clb.purge = 'on'")
            yield
            if postgresql:  # SET LOCAL lasts to the end of the outer transaction
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL clb.purge = 'off'")
    finally:
        _purging.reset(token)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the SQL function SQLite delete guards ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("clb_purging", 0, lambda: int(_purging.get()))


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


def closed_row_fixed(
    name: str,
    model: Any,
    *,
    closed: str,
    loose: list[str],
    message: str,
    purge_passes: bool = False,
) -> Trigger:
    """A trigger `name` that refuses to change a closed row of `model` (`closed`: the SQL
    condition on `OLD`, e.g. "OLD.status = 'published'") in any column but the `loose`
    ones (nullable links a deleted user clears). With `purge_passes`, `purging()` lets an
    update through."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if f.column and f.column not in loose]
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    others = "".join(f" - '{c}'" for c in loose)
    pg_when = f"{PG_NOT_PURGING} AND {closed}" if purge_passes else closed
    sqlite_when = f"{SQLITE_NOT_PURGING} AND {closed}" if purge_passes else closed
    return Trigger(
        name=name,
        table=table,
        sqlite=f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
        f"WHEN {sqlite_when} AND ({changed}) {abort(message)}",
        postgresql=f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        postgresql_setup=f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
  IF {pg_when}
     AND (to_jsonb(NEW){others}) IS DISTINCT FROM (to_jsonb(OLD){others}) THEN
    RAISE EXCEPTION '{message}';
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
""",
    )


def abort(message: str) -> str:
    """The body of a SQLite trigger that refuses the statement with `message`."""
    return f"BEGIN SELECT RAISE(ABORT, '{message}'); END"


def parts_of_closed_rows(
    guard: str,
    tables: list[str],
    *,
    parent: str,
    key: str,
    closed: str,
    message: str,
    suffix: str,
    deletes: bool = False,
    purge_passes: bool = False,
) -> Iterator[Trigger]:
    """The triggers that keep the parts of a closed row: no row of `tables` may be inserted
    under a closed row of `parent`, nor updated while under one (before or after the
    update); with `deletes`, nor deleted (but inside `purging()`). `key` is the column
    naming the parent, `closed` the condition on the parent's status ("= 'published'").
    Each table's trigger is `clb_<model>_<suffix>` (on SQLite one per event: `_insert`,
    `_update`, `_delete`); on PostgreSQL they all call the function `guard`. With
    `purge_passes`, `purging()` lets updates through (on PostgreSQL, inserts too)."""

    def pg_closed(ref: str) -> str:
        return f"EXISTS (SELECT 1 FROM {parent} WHERE id = {ref}.{key} AND status {closed})"  # noqa: S608

    def sqlite_closed(ref: str) -> str:
        return f"(SELECT status FROM {parent} WHERE id = {ref}.{key}) {closed}"  # noqa: S608

    changed = f"(TG_OP = 'UPDATE' AND {pg_closed('OLD')})\n     OR {pg_closed('NEW')}"
    if purge_passes:
        changed = f"{PG_NOT_PURGING} AND ({changed})"
    refuse = f"RAISE EXCEPTION '{message} (%)', TG_TABLE_NAME;"
    on_delete = (
        f"""  IF TG_OP = 'DELETE' THEN
    IF {PG_NOT_PURGING} AND {pg_closed("OLD")} THEN
      {refuse}
    END IF;
    RETURN OLD;
  END IF;
"""
        if deletes
        else ""
    )
    setup = f"""
CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger AS $$
BEGIN
{on_delete}  IF {changed}
  THEN
    {refuse}
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
"""
    moved = f"{sqlite_closed('OLD')} OR {sqlite_closed('NEW')}"
    if purge_passes:
        moved = f"{SQLITE_NOT_PURGING} AND ({moved})"
    events = "INSERT OR UPDATE OR DELETE" if deletes else "INSERT OR UPDATE"
    for table in tables:
        name = f"clb_{table.partition('_')[2]}_{suffix}"
        yield Trigger(
            name=name,
            table=table,
            postgresql=f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {guard}()",
            postgresql_setup=setup,
        )
        # SQLite triggers fire on one event each
        yield Trigger(
            name=f"{name}_insert",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_insert BEFORE INSERT ON {table} "
            f"WHEN {sqlite_closed('NEW')} {abort(message)}",
        )
        yield Trigger(
            name=f"{name}_update",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} "
            f"WHEN {moved} {abort(message)}",
        )
        if deletes:
            yield Trigger(
                name=f"{name}_delete",
                table=table,
                sqlite=f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} "
                f"WHEN {SQLITE_NOT_PURGING} AND {sqlite_closed('OLD')} {abort(message)}",
            )


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
