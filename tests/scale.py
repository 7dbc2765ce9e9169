"""Grow an organization quickly for tests that need size (tests/test_query_counts.py):
copy rows in bulk instead of going through the services, which take seconds per person.

`add_people` copies people already there (the ones without reports, role member) with
everything that hangs off them: login, membership, places in cycles, forms they fill in
or are the subject of, ratings, plans, conversations, promotion cases, answers, audit
entries. `add_cycles_of_history` copies the released review cycle with its participants,
forms, ratings and what came of them, moved back in time by about six months a copy.

The copies skip the services' checks on purpose (test data only): rows are written with
plain querysets, keys are remapped to the copies, public ids are new."""

from __future__ import annotations

import copy as copying
import datetime as dt
from collections.abc import Callable, Iterable
from graphlib import TopologicalSorter
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.db.models.base import ModelState

from organizations.scoping import PublicIdField, new_public_id

Maps = dict[type[models.Model], dict[Any, list[Any]]]
Fix = Callable[[models.Model, int], None]

PEOPLE_APPS = ("people", "reviews", "growth", "promotions", "fairness", "organizations")
HISTORY_APPS = ("reviews", "growth", "promotions", "fairness")
SPACING = dt.timedelta(days=182)
# one row per person, read from their latest cycle: a copy of a cycle makes no other one
# (a copied person gets a copy of theirs)
PER_PERSON = ("promotions.readinessrecord",)
# rows the database locks once in these states (db_guards: nothing may be added to a
# submitted form or a decided case) are written in another state, set back at the end
HELD = {
    "reviews.reviewform": ("status", {"submitted"}, "in_progress"),
    "promotions.promotioncase": ("status", {"decided", "withdrawn"}, "copying"),
}
_held: dict[int, dict[tuple[Any, str, str], list[Any]]] = {}  # per copy run (its maps)


def _models(app_labels: Iterable[str], skip: Iterable[str] = ()) -> list[type[models.Model]]:
    """The apps' concrete models (but `skip`), parents before the rows that point at them."""
    from organizations.models import Organization

    chosen = {
        m
        for m in django_apps.get_models()
        if m._meta.app_label in set(app_labels)
        and not m._meta.proxy
        and m is not Organization
        and m._meta.label_lower not in set(skip)
    }
    graph = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
            and f.related_model in chosen
            and f.related_model is not m
        }
        for m in chosen
    }
    return list(TopologicalSorter(graph).static_order())


def _clone(model: type[models.Model], rows: list[Any], copies: int, maps: Maps, fix: Fix) -> None:
    """`copies` copies of each row, keys into `maps` remapped to the same copy; records
    the new keys in maps[model]."""
    keys = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in maps
    ]
    public = [f for f in model._meta.concrete_fields if isinstance(f, PublicIdField)]
    made: list[tuple[Any, int, Any]] = []
    for n in range(copies):
        for row in rows:
            obj = copying.copy(row)
            obj._state = ModelState()
            obj.pk = None
            for f in keys:
                new = maps[f.related_model].get(getattr(row, f.attname))
                if new is not None:
                    setattr(obj, f.attname, new[n])
            for p in public:
                setattr(obj, p.attname, new_public_id())
            fix(obj, n)
            made.append((row.pk, n, obj))
    held = HELD.get(model._meta.label_lower)
    later: dict[str, list[Any]] = {}
    if held:
        name, locked, instead = held
        for _pk, _n, obj in made:
            if getattr(obj, name) in locked:
                later.setdefault(getattr(obj, name), []).append(obj)
                setattr(obj, name, instead)
    models.QuerySet(model).bulk_create([obj for _pk, _n, obj in made], batch_size=500)
    for value, objs in later.items():
        _held.setdefault(id(maps), {}).setdefault((model, name, value), []).extend(
            o.pk for o in objs
        )
    mapped = maps.setdefault(model, {})
    for pk, n, obj in made:
        mapped.setdefault(pk, [None] * copies)[n] = obj.pk


def _spread(order: list[type[models.Model]], copies: int, maps: Maps, fix: Fix) -> None:
    """Copy every row of `order`'s models that points at a copied row, then set the held
    rows back to their state."""
    _copy_dependents(order, copies, maps, fix)
    for (model, name, value), pks in _held.pop(id(maps), {}).items():
        models.QuerySet(model).filter(pk__in=pks).update(**{name: value})


def _copy_dependents(order: list[type[models.Model]], copies: int, maps: Maps, fix: Fix) -> None:
    for model in order:
        if model in maps:
            continue
        keys = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in maps
        ]
        if not keys:
            continue
        where = Q()
        for f in keys:
            where |= Q(**{f"{f.attname}__in": list(maps[f.related_model])})
        rows: list[Any] = list(models.QuerySet(model).filter(where).order_by("pk"))
        if rows:
            _clone(model, rows, copies, maps, fix)


def add_people(org: Any, count: int) -> None:
    """`count` more people in `org`, copies of its members without reports."""
    from organizations.models import Membership, Role
    from people.models import Person

    User = get_user_model()
    members = Membership.objects.filter(organization=org, role=Role.MEMBER).values("user_id")
    templates = list(
        Person.objects.filter(user__in=members, reports__isnull=True, is_active=True)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    assert templates, "no one to copy"
    rounds = [(templates, count // len(templates)), (templates[: count % len(templates)], 1)]
    for n_round, (users, copies) in enumerate(rounds):
        if not users or not copies:
            continue

        def fix(obj: Any, n: int, n_round: int = n_round) -> None:
            tag = f"x{n_round}.{n}."
            if isinstance(obj, User):
                obj.email = obj.username = tag + obj.email
                obj.last_login = None
            elif isinstance(obj, Person):
                obj.email = tag + obj.email

        maps: Maps = {}
        _clone(User, list(User.objects.filter(pk__in=users).order_by("pk")), copies, maps, fix)
        _spread(_models(PEOPLE_APPS), copies, maps, fix)


def copy_cycle(
    cycle: Any, *, apps: Iterable[str] = HISTORY_APPS, copies: int = 1, **fields: Any
) -> list[Any]:
    """Copies of `cycle` with everything in `apps` that hangs off it; `fields` set on the
    copies of the cycle itself."""
    from reviews.models import ReviewCycle

    def fix(obj: Any, n: int) -> None:
        if isinstance(obj, ReviewCycle):
            for name, value in fields.items():
                setattr(obj, name, value)

    maps: Maps = {}
    _clone(ReviewCycle, [cycle], copies, maps, fix)
    _spread(_models(apps, PER_PERSON), copies, maps, fix)
    return list(ReviewCycle.objects.filter(pk__in=maps[ReviewCycle][cycle.pk]))


def add_cycles_of_history(org: Any, count: int) -> None:
    """`count` more released cycles before the first one, each a copy of it moved back."""
    from reviews.models import ReviewCycle

    first = ReviewCycle.objects.filter(status="released").order_by("released_at", "pk").first()
    assert first is not None, "no released cycle to copy"

    def fix(obj: Any, n: int) -> None:
        shift = SPACING * (n + 1)
        for f in obj._meta.concrete_fields:
            if isinstance(f, models.DateField):  # DateTimeField too
                value = getattr(obj, f.attname)
                if value is not None:
                    setattr(obj, f.attname, value - shift)
        if isinstance(obj, ReviewCycle):
            obj.name = f"{obj.name} ({n + 2} back)"

    maps: Maps = {}
    _clone(ReviewCycle, [first], count, maps, fix)
    _spread(_models(HISTORY_APPS, PER_PERSON), count, maps, fix)
