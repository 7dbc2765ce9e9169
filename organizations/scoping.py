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
from typing import TYPE_CHECKING, Any

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


class TenantManager(models.Manager):
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


def new_public_id() -> str:
    """A random, URL-safe public id (12 characters, ~59 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(12))


class PublicIdField(models.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("default", new_public_id)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("unique", True)
        super().__init__(*args, **kwargs)


class TenantModel(models.Model):
    """Base for every tenant-owned model: its own organization key, a random public id."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    public_id = PublicIdField()

    objects = TenantManager()

    class Meta:
        abstract = True
