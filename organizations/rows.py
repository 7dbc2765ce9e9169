"""Inserting many rows in one statement, for a big import's short write transaction.

`bulk_create` spends tens of microseconds of Python per field of every object, inside
the transaction: for 20,000 people with their history and audit entries, seconds during
which SQLite lets no other organization write. `insert_rows` takes plain dicts of field
values (a field left out gets its default, as a new model instance would), converts each
column once per kind — a value shared by every row (`common`) or a constant default only
once — and sends one `executemany`. No `save()`, no signals: the caller does what the
model's `save` would (the people import normalizes e-mails itself). `reserve_ids` gives
the primary keys of rows about to be inserted, so rows that point at each other (a
manager among the new people) are written in one go, not inserted then updated.
`update_rows` is the same for UPDATEs by primary key, and `check_rows` keeps, for such
rows, the tenant fence `bulk_create` keeps (`organizations.scoping.check_write`). `Turns`
lets other writers in between a long job's short transactions on SQLite."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from organizations.scoping import TenantWriteError, active_organization, owners_of, tenant_keys


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy for every value
    if isinstance(field, models.DateTimeField):
        return db.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return db.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, db)
    return None  # passed as it is


def _memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, done once per value object: rows that share one value (a launch's
    ~125,000 items share their statement's evidence kinds) convert it once. The value is
    kept with its result, so its id is not reused meanwhile."""
    done: dict[int, tuple[Any, Any]] = {}

    def converted(value: Any) -> Any:
        seen = done.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        result = convert(value)
        done[id(value)] = (value, result)
        return result

    return converted


def _per_row(field: models.Field) -> bool:
    """Whether a field's default differs from row to row (a public id); the time now is
    one for the whole statement."""
    return callable(field.default) and field.default is not timezone.now


def insert_rows(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    common: dict[str, Any] | None = None,
) -> int:
    """INSERT `rows` (field name → value; foreign keys by `<name>_id`; every row with the
    same names) into `model`'s table, each with the values of `common` too; returns how
    many. Primary keys come from the database unless the rows give them (`reserve_ids`)."""
    rows = list(rows)
    if not rows:
        return 0
    common = common or {}
    given = rows[0].keys()
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk or f.attname in given]
    template: list[Any] = []
    per_row: list[tuple[int, str | None, models.Field, Callable[[Any], Any] | None]] = []
    for i, f in enumerate(fields):
        conv = _converter(f)
        if f.attname in common or (f.attname not in given and not _per_row(f)):
            value = common[f.attname] if f.attname in common else f.get_default()
            template.append(conv(value) if conv else value)
        else:  # the row's own value, or a default made afresh for each row (a public id)
            template.append(None)
            conv = _memo(conv) if conv and f.attname in given else conv
            per_row.append((i, f.attname if f.attname in given else None, f, conv))
    params = []
    for row in rows:
        values = template.copy()
        for i, name, f, conv in per_row:
            value = row[name] if name is not None else f.get_default()
            values[i] = conv(value) if conv else value
        params.append(values)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for new rows of `model`, to insert with `insert_rows`. Call it
    inside the transaction that inserts them: on SQLite that transaction holds the only
    write lock, so the keys after the highest one in use are free until it commits; on
    PostgreSQL they are drawn from the table's sequence."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        assert connection.in_atomic_block, "reserve ids inside the inserting transaction"
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
        top = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses a deleted key
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            top = max(top, seq[0] if seq else 0)
    return list(range(top + 1, top + 1 + count))


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[dict[str, Any]]
) -> int:
    """UPDATE the fields `names` (attnames: `<name>_id` for a foreign key) of `model`'s rows
    by primary key, one `executemany`: each row gives "pk" and every one of `names`.
    Returns how many rows were given."""
    meta = model._meta
    fields: list[models.Field] = []
    for name in names:
        field = meta.get_field(name)
        assert isinstance(field, models.Field)
        fields.append(field)
    pk = meta.pk
    assert pk is not None
    plan = [(f.attname, _memo(conv) if (conv := _converter(f)) else None) for f in fields]
    params = [
        [*(conv(row[name]) if conv else row[name] for name, conv in plan), row["pk"]]
        for row in rows
    ]
    if not params:
        return 0
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names from the model)
        quote(meta.db_table),
        ", ".join(f"{quote(str(f.column))} = %s" for f in fields),
        quote(str(pk.column)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def owners(*objs: models.Model) -> dict[type[models.Model], dict[Any, int]]:
    """What `check_rows` may take as known: the organization of loaded rows, by model and
    primary key."""
    known: dict[type[models.Model], dict[Any, int]] = {}
    for obj in objs:
        model = obj._meta.concrete_model
        assert model is not None
        known.setdefault(model, {})[obj.pk] = obj.organization_id  # type: ignore[attr-defined]
    return known


def check_rows(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    known: Mapping[type[models.Model], Mapping[Any, int | None]] | None = None,
) -> None:
    """Refuse plain rows of `model` (as `insert_rows` and `update_rows` take them, each with
    its "organization_id") for another organization than the active one, or with a tenant
    key into another organization's rows: `check_write`'s fence for `bulk_create`. The
    organization of a key's target is taken from `known` (rows the caller loaded, see
    `owners`), otherwise looked up: one query per key and 500 values."""
    if not rows:
        return
    active = active_organization()
    if active is not None and any(row["organization_id"] != active.pk for row in rows):
        raise TenantWriteError(
            f"A {model.__name__} of another organization cannot be saved inside scope({active})."
        )
    for field in tenant_keys(model):
        if field.attname not in rows[0]:
            continue
        target = field.related_model._meta.concrete_model
        found: dict[Any, int | None] = {}
        if field.target_field.primary_key:
            found.update((known or {}).get(target, {}))  # type: ignore[arg-type]
        wanted = {row[field.attname] for row in rows} - found.keys() - {None}
        found.update(owners_of(field, wanted))
        for row in rows:
            owner = found.get(row[field.attname])
            if owner is not None and owner != row["organization_id"]:
                raise TenantWriteError(
                    f"{model.__name__}.{field.name} points into another organization."
                )


# SQLite's busy handler sleeps between its tries for the lock, at most 100 ms at a time,
# and SQLite keeps no queue of writers: a long job that begins its next transaction as
# soon as the last one commits takes the lock back before a waiting writer wakes, again
# and again (the import bench saw a 1.6 s wait with no transaction over 0.41 s).
TURN_SECONDS = 0.11


class Turns:
    """Taking turns with other writers, for a long job that writes in many short
    transactions (a big import's steps, readiness batches): `wait()` before each makes
    sure at least TURN_SECONDS have passed since the last one ended (`done()`), on SQLite
    and outside any transaction only; the work done between them counts."""

    def __init__(self) -> None:
        self.last: float | None = None

    def wait(self) -> None:
        if self.last is None or connection.vendor != "sqlite" or connection.in_atomic_block:
            return
        left = TURN_SECONDS - (time.monotonic() - self.last)
        if left > 0:
            time.sleep(left)

    def done(self) -> None:
        self.last = time.monotonic()
