"""Where every model holding personal data says how it is exported and erased.

A `Declaration` names a model, the words HR uses for it, and its `Link`s: each way a
row belongs to a person (a key to their directory entry, a key to their login, or their
e-mail address in a column), with what erasure does to those rows and why:

- `DELETE` — the rows are deleted;
- `KEEP` — the rows stay as they are; they now point at the erased person's
  pseudonymised directory entry (decided promotion cases, a colleague's review);
- `PSEUDONYMISE` — the rows stay, the link to the person is cleared (a nullable key
  becomes empty) and their name and e-mail address in the `scrub` columns are replaced
  by the pseudonym.

A model with organization data but nothing personal is declared too (no links), so it is
in the organization's export and deletion. `tests/datarights/test_registry.py` walks every
model of every installed app and fails when a model with a key to a person, a login or
an organization is not declared, when a key to a person or a login has no link, or when
rows that erasure deletes would leave a child row behind that no link covers.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q


class Action(enum.StrEnum):
    KEEP = "keep"
    DELETE = "delete"
    PSEUDONYMISE = "pseudonymise"


class To(enum.StrEnum):
    PERSON = "person"  # the lookup ends at people.Person
    LOGIN = "login"  # the lookup ends at the user model
    TEXT = "text"  # columns (text or JSON, "a|b") that mention their e-mail or full name
    EMAIL = "email"  # a column that is their e-mail address
    PUBLIC_ID = "public_id"  # a column that holds their directory entry's public id
    ANY = "any"  # every row of the organization (files that copy everyone's data)


class Audience(enum.Flag):
    """Who gets a link's rows in an export: the person downloading their own (`SELF`),
    HR exporting everything about them (`HR`), both, or nobody (withheld; the link's
    reason says why: peer anonymity, sealed demographic data)."""

    NOBODY = 0
    SELF = enum.auto()
    HR = enum.auto()
    BOTH = SELF | HR


@dataclass(frozen=True)
class Link:
    """One way a row belongs to a person, and what erasure does to those rows."""

    path: str
    to: To
    action: Action
    reason: str
    where: Q | None = None  # only the rows that also match this
    audience: Audience = Audience.BOTH
    withheld: str = ""  # why the rows are not in an export for someone outside `audience`

    def q(self, person: Any) -> Q | None:
        """The rows of this link for `person`, or None when there can be none (no login)."""
        if self.to == To.PERSON:
            q = Q(**{self.path: person.pk})
        elif self.to == To.LOGIN:
            if person.user_id is None:
                return None
            q = Q(**{self.path: person.user_id})
        elif self.to == To.EMAIL:
            q = Q(**{f"{self.path}__iexact": person.email})
        elif self.to == To.ANY:
            q = Q()
        elif self.to == To.PUBLIC_ID:
            q = Q(**{self.path: person.public_id})
        else:
            q = Q()
            for column in self.path.split("|"):
                q |= Q(**{f"{column}__icontains": person.email})
                if " " in person.name.strip():  # a full name; one word would match too much
                    q |= Q(**{f"{column}__icontains": person.name.strip()})
        return q & self.where if self.where is not None else q

    @property
    def field_name(self) -> str:
        return self.path.split("__")[0]


@dataclass(frozen=True)
class Declaration:
    label: str  # "Review forms": the words HR uses
    model_label: str  # "reviews.ReviewForm"
    links: tuple[Link, ...] = ()
    secret: tuple[str, ...] = ()  # columns never exported (digests, keys, passwords)
    scrub: tuple[str, ...] = ()  # text columns in which the name / e-mail become the pseudonym
    # rows the database keeps from changing (a decided promotion case): scrubbed inside
    # `purging()`, which lets those guards pass
    guarded: bool = False
    files: tuple[str, ...] = ()  # file columns: in the organization's zip, removed on delete
    organization: str = "organization"  # the lookup to the organization ("" = installation-wide)
    on_organization_deleted: str = "Deleted with the organization."
    in_organization_export: bool = True
    # keys to rows of the same parent that erasure deletes together with this row
    # (a case's evidence points at the same case's statement and file)
    siblings: tuple[str, ...] = ()
    with_login: bool = False  # rows Django deletes with the login (allauth's, the admin's)
    reader: Callable[[], AbstractContextManager[Any]] = nullcontext
    note: str = ""  # for a model with nothing personal: why

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def manager(self) -> models.Manager:
        """The plain manager: callers filter by organization themselves."""
        return self.model._base_manager

    def export_fields(self) -> list[models.Field]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in self.secret and f.name != "id"
        ]


_registry: dict[str, Declaration] = {}


def declare(label: str, model_label: str, *links: Link, **options: Any) -> Declaration:
    if model_label in _registry:
        raise ValueError(f"{model_label} is declared twice")
    declaration = Declaration(label, model_label, tuple(links), **options)
    _registry[model_label] = declaration
    return declaration


def declarations() -> list[Declaration]:
    return list(_registry.values())


def declaration_for(model: type[models.Model]) -> Declaration | None:
    return _registry.get(model._meta.label)


# shorthands for the declarations
def delete(path: str, reason: str, *, to: To = To.PERSON, **kw: Any) -> Link:
    return Link(path, to, Action.DELETE, reason, **kw)


def keep(path: str, reason: str, *, to: To = To.PERSON, **kw: Any) -> Link:
    return Link(path, to, Action.KEEP, reason, **kw)


def pseudonymise(path: str, reason: str, *, to: To = To.PERSON, **kw: Any) -> Link:
    return Link(path, to, Action.PSEUDONYMISE, reason, **kw)


__all__ = [
    "Action",
    "Audience",
    "Declaration",
    "Link",
    "To",
    "declaration_for",
    "declarations",
    "declare",
    "delete",
    "keep",
    "pseudonymise",
]
