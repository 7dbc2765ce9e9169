"""Inserting many rows in one statement, for a big import's short write transaction.

`bulk_create` spends tens of microseconds of Python per field of every object, inside
the transaction: for 20,000 people with their history and audit entries, seconds during
which SQLite lets no other organization write. `insert_rows` takes plain dicts of field
values (a field left out gets its default, as a new model instance would), converts each
column once per kind — a value shared by every row (`common`) or a constant default only
once — and sends one `executemany`. No `save()`, no signals: the caller does what the
model's `save` would (the people import normalizes e-mails itself). `reserve_ids` gives
the primary keys of rows about to be inserted, so rows that point at each other (a
manager among the new people) are written in one go, not inserted then updated."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy for every value
    if isinstance(field, models.DateTimeField):
        return db.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return db.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, db)
    return None  # passed as it is


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
