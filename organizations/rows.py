"""Inserting many rows in one statement, for a big import's short write transaction.

`bulk_create` spends tens of microseconds of Python per field of every object, inside
the transaction: for 20,000 people with their history and audit entries, seconds during
which SQLite lets no other organization write. `insert_rows` takes plain dicts of field
values (a field left out gets its default, as a new model instance would), converts each
column once per kind and sends one `executemany`. No `save()`, no signals: the caller
does what the model's `save` would (the people import normalizes e-mails itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models


def _converter(field: models.Field) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """INSERT `rows` (field name → value; foreign keys by `<name>_id`) into `model`'s
    table; returns how many. Primary keys come from the database."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    convert = [_converter(f) for f in fields]
    params = [
        [
            conv(row[f.attname] if f.attname in row else f.get_default())
            for f, conv in zip(fields, convert, strict=True)
        ]
        for row in rows
    ]
    if not params:
        return 0
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
