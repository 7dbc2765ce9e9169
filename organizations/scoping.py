"""Fail-closed tenant scoping.

Every tenant-owned model uses `TenantManager` as its default manager. Querying it
without an active organization raises `ScopeError`; inside `scope(org)` every query is
filtered to that organization. Code that really works across organizations (operator
commands, the Django admin, migrations) says so with `unscoped()`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from organizations.models import Organization


class ScopeError(RuntimeError):
    """A tenant-owned model was queried with no active organization."""


class _Unscoped:
    def __repr__(self) -> str:
        return "UNSCOPED"


UNSCOPED = _Unscoped()
_active: ContextVar[Any] = ContextVar("active_organization", default=None)


@contextmanager
def scope(organization: Organization) -> Iterator[Organization]:
    if organization is None or organization.pk is None:
        raise ScopeError("scope() needs a saved organization")
    token = _active.set(organization)
    try:
        yield organization
    finally:
        _active.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """Explicitly cross-tenant code: operator tools, the admin, data migrations."""
    token = _active.set(UNSCOPED)
    try:
        yield
    finally:
        _active.reset(token)


def active_organization() -> Organization | None:
    value = _active.get()
    return None if value is UNSCOPED else value


class TenantWriteError(ScopeError):
    """A write for another organization than the active one, or a key into another
    organization's rows."""


@cache
def tenant_keys(model: type[models.Model]) -> tuple[models.ForeignKey, ...]:
    """The model's foreign keys to tenant-owned models (the organization key aside)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
        and f.name != "organization"
        and is_tenant_model(f.related_model)
    )


def is_tenant_model(model: Any) -> bool:
    """Whether rows of `model` belong to one organization (a tenant manager by default
    and an `organization` key)."""
    if not isinstance(model, type) or not issubclass(model, models.Model):
        return False
    has_org = any(f.name == "organization" for f in model._meta.concrete_fields)
    return has_org and isinstance(model._default_manager, TenantManager)


def _owner_of(field: models.ForeignKey, value: Any) -> int | None:
    """The organization of the row `value` names through `field` (one query)."""
    target = field.related_model
    lookup = {field.target_field.attname: value}
    return target._base_manager.filter(**lookup).values_list("organization_id", flat=True).first()


def _owners(
    model: type[models.Model], objs: list[Any], fields: Any = None
) -> dict[tuple[str, Any], int | None]:
    """For bulk writes: the organization of every row `objs` name through a tenant key by
    a bare id, one query per key and 500 ids (not one query per row and key)."""
    known: dict[tuple[str, Any], int | None] = {}
    for field in tenant_keys(model):
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        target = field.target_field.attname
        wanted = set()
        for obj in objs:
            value = getattr(obj, field.attname)
            cached = field.get_cached_value(obj, default=None)
            if value is not None and (cached is None or getattr(cached, target) != value):
                wanted.add(value)
        known.update({(field.name, value): owner for value, owner in owners_of(field, wanted)})
    return known


def owners_of(field: models.ForeignKey, values: Any) -> list[tuple[Any, int | None]]:
    """(value, organization) of the rows `values` name through `field`, one query per 500
    values (a value that names no row is left out)."""
    target = field.target_field.attname
    ordered = sorted(values)
    manager = field.related_model._base_manager
    found: list[tuple[Any, int | None]] = []
    for n in range(0, len(ordered), 500):
        found.extend(
            manager.filter(**{f"{target}__in": ordered[n : n + 500]}).values_list(
                target, "organization_id"
            )
        )
    return found


def check_write(
    obj: models.Model,
    fields: Any = None,
    owners: dict[tuple[str, Any], int | None] | None = None,
) -> None:
    """Refuse to write `obj` for another organization than the active one, or with a key
    into another organization's rows (`fields`: only these, for a partial save).
    Related objects already loaded cost no query; a bare id costs one, unless `owners`
    (from `_owners`, for bulk writes) knows it."""
    org_id = getattr(obj, "organization_id", None)
    active = _active.get()
    if active is not None and active is not UNSCOPED and org_id != active.pk:
        raise TenantWriteError(
            f"A {type(obj).__name__} of another organization cannot be saved inside "
            f"scope({active})."
        )
    for field in tenant_keys(type(obj)):
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        value = getattr(obj, field.attname)
        if value is None:
            continue
        cached = field.get_cached_value(obj, default=None)
        target = field.target_field.attname
        if cached is not None and getattr(cached, target) == value:
            owner = getattr(cached, "organization_id", None)
        elif owners is not None and (field.name, value) in owners:
            owner = owners[(field.name, value)]
        else:
            owner = _owner_of(field, value)
        if owner is not None and owner != org_id:
            raise TenantWriteError(
                f"{type(obj).__name__}.{field.name} points into another organization."
            )


def guard_save(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """`pre_save` receiver (connected by `organizations.apps`): every tenant row."""
    if not raw and is_tenant_model(sender):
        check_write(instance, kwargs.get("update_fields"))


class TenantQuerySet(models.QuerySet):
    """Bulk writes keep the fences `save()` keeps (see `check_write`)."""

    def update(self, **kwargs: Any) -> int:
        keys = {f.name: f for f in tenant_keys(self.model)} | {
            f.attname: f for f in tenant_keys(self.model)
        }
        active = _active.get()
        for name, value in kwargs.items():
            if name == "organization" or name == "organization_id":
                raise TenantWriteError("A row's organization never changes.")
            field = keys.get(name)
            if field is None or value is None or hasattr(value, "resolve_expression"):
                continue
            if isinstance(value, models.Model):
                owner = getattr(value, "organization_id", None)
            else:
                owner = _owner_of(field, value)
            if active is None or active is UNSCOPED:
                mismatched = self.exclude(organization_id=owner).exists()
            else:
                mismatched = owner != active.pk
            if owner is not None and mismatched:
                raise TenantWriteError(
                    f"{self.model.__name__}.{field.name} cannot point into another organization."
                )
        return super().update(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        owners = _owners(self.model, objs)
        for obj in objs:
            check_write(obj, owners=owners)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        owners = _owners(self.model, objs, fields)
        for obj in objs:
            check_write(obj, fields, owners)
        return super().bulk_update(objs, fields, *args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> models.QuerySet:
        active = _active.get()
        qs = super().get_queryset()
        if active is UNSCOPED:
            return qs
        if active is None:
            raise ScopeError(
                f"{self.model.__name__} was queried without an active organization. "
                "Wrap the code in organizations.scoping.scope(org) or unscoped()."
            )
        return qs.filter(organization_id=active.pk)


ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


_BASE = len(ALPHABET)
_SPACE = _BASE**12
_BITS = _SPACE.bit_length()
# every two-digit number in base 31, least significant digit first (961 strings)
_PAIRS = tuple(ALPHABET[n % _BASE] + ALPHABET[n // _BASE] for n in range(_BASE**2))
_PAIR = _BASE**2


def new_public_id() -> str:
    """A random, URL-safe public id (12 characters, ~59 bits): one draw from the
    operating system's generator, as `secrets.randbelow` draws (the bits a number below
    31**12 needs, drawn again when it is not below), written in base 31 two digits at a
    time (a launch makes a public id for each of 125,000 form items)."""
    n = secrets.randbits(_BITS)
    while n >= _SPACE:
        n = secrets.randbits(_BITS)
    n, a = divmod(n, _PAIR)
    n, b = divmod(n, _PAIR)
    n, c = divmod(n, _PAIR)
    n, d = divmod(n, _PAIR)
    f, e = divmod(n, _PAIR)
    return _PAIRS[a] + _PAIRS[b] + _PAIRS[c] + _PAIRS[d] + _PAIRS[e] + _PAIRS[f]


class PublicIdField(models.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("default", new_public_id)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("unique", True)
        super().__init__(*args, **kwargs)


def optional_key(
    to: str | type[models.Model], on_delete: Any, related_name: str = "+", **options: Any
) -> Any:
    """A link that may be empty (`null` and `blank`), with no reverse accessor unless
    `related_name` names one: `on_delete` says what happens when the row it points at goes
    (`SET_NULL` to forget it, `PROTECT` to keep that row)."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=on_delete, related_name=related_name, **options
    )


def user_link() -> Any:
    """A model's link to the user who did something (created, decided, requested…):
    optional, cleared when the user is deleted, with no reverse accessor."""
    return optional_key(settings.AUTH_USER_MODEL, models.SET_NULL)


def organization_key(related_name: str = "+") -> Any:
    """A tenant-owned row's key to its organization, deleted with it; `related_name` names
    the reverse accessor (`organization.people`), none by default.

    A model declares it in its own body (`TenantModel` has one too) to name the accessor,
    or to keep the column after `public_id`: the admin and the data exports list the
    fields in the order they are declared."""
    return models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name=related_name
    )


class TenantModel(models.Model):
    """Base for every tenant-owned model: its own organization key, a random public id."""

    organization = organization_key()
    public_id = PublicIdField()

    objects = TenantManager()

    class Meta:
        abstract = True
