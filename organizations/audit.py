"""Writing to the audit log. Service functions call `record()` inside their transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from organizations.actors import Actor, user_id_of, user_of
from organizations.models import AuditEntry, Organization

_PLAIN = frozenset({str, int, float, bool})
_via: ContextVar[str] = ContextVar("audit_via", default="")
_collected: ContextVar[list[int] | None] = ContextVar("audit_collected", default=None)


@contextmanager
def collecting() -> Iterator[list[int]]:
    """The primary keys of the entries `record` writes inside this block (a big import's
    step journals them, so an import that fails part-way can take them back:
    `spreadsheets.services.undoing`)."""
    pks: list[int] = []
    token = _collected.set(pks)
    try:
        yield pks
    finally:
        _collected.reset(token)


@contextmanager
def acting_via(label: str) -> Iterator[None]:
    """Entries recorded inside this block say how the actor acted ("API token “HRIS
    sync” (clb_ab12cd34…)"), in `data["via"]`. The API wraps each request in it."""
    token = _via.set(label)
    try:
        yield
    finally:
        _via.reset(token)


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in _PLAIN:  # most values: at once
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def actor_label(actor: Actor) -> str:
    if actor is None:
        return "System"
    full = (getattr(actor, "first_name", "") + " " + getattr(actor, "last_name", "")).strip()
    email = getattr(actor, "email", "")
    return f"{full} <{email}>" if full and email else (full or email or str(actor))


def record(
    organization: Organization,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    *,
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        organization=organization,
        actor=user_of(actor),
        actor_label=actor_label(actor),
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=str(getattr(target, "public_id", "") or "") if target is not None else "",
        target_label=(target_label if target_label is not None else str(target or ""))[:300],
        changes={k: [_jsonable(a), _jsonable(b)] for k, (a, b) in (changes or {}).items()},
        data={k: _jsonable(v) for k, v in (data or {}).items()},
    )
    if via := _via.get():
        entry.data.setdefault("via", via)
    entry.save()
    if (collected := _collected.get()) is not None:
        collected.append(entry.pk)
    return entry


def record_many(
    organization: Organization,
    actor: Actor,
    action: str,
    target_type: str,
    entries: Iterable[tuple[str, str, dict[str, list[Any]]]],
    *,
    public_ids: Iterator[str] | None = None,
    plain: bool = False,
    pks: Iterable[int] | None = None,
) -> int:
    """`record` for many targets at once (a big import's people), in one statement:
    each `(public_id, label, changes)` of a `target_type` ("person") becomes the entry
    `record(organization, actor, action, target, changes=changes)` would write. The
    entries' own public ids may come from `public_ids` (made before the transaction);
    `plain`: the changes hold JSON values already (strings, numbers, None), as they are;
    `pks`: the entries' primary keys (`organizations.rows.reserve_ids`), one per entry."""
    from organizations.rows import insert_rows
    from organizations.scoping import new_public_id

    ids = public_ids if public_ids is not None else iter(())
    common = {
        "organization_id": organization.pk,
        "actor_id": user_id_of(actor),
        "actor_label": actor_label(actor),
        "action": action,
        "target_type": target_type,
        "data": {"via": via} if (via := _via.get()) else {},
    }
    keys = iter(pks) if pks is not None else None
    return insert_rows(
        AuditEntry,
        (
            {
                **({"id": next(keys)} if keys is not None else {}),
                "public_id": next(ids, None) or new_public_id(),
                "target_id": public_id,
                "target_label": label[:300],
                "changes": changes
                if plain
                else {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()},
            }
            for public_id, label, changes in entries
        ),
        common=common,
    )
