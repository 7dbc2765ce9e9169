"""The classification of URLs and the builders of the objects they name (see the package's
docstring for how to add one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Route:
    name: str
    kind: str  # public | tenant | token | catalog | bearer
    kwargs: dict[str, str] = field(default_factory=dict)


ROUTES: dict[str, Route] = {}
BUILDERS: dict[str, Callable[[Any], Any]] = {}


def public(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "public", kwargs)


def tenant(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "tenant", kwargs)


def token(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "token", kwargs)


def catalog(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "catalog", kwargs)


def bearer(name: str, **kwargs: str) -> None:
    """Machine endpoints authenticated by an organization's bearer token (SCIM). Without
    a token: 401. With another organization's token: nothing of Acme's is visible or
    changes, and Acme's objects answer 404."""
    ROUTES[name] = Route(name, "bearer", kwargs)


def dev(name: str, **kwargs: str) -> None:
    """A development tool (`make run` only): answers 404 to everyone unless switched on."""
    ROUTES[name] = Route(name, "dev", kwargs)


def builder(name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        BUILDERS[name] = fn
        return fn

    return register
