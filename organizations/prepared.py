"""Hot queries compiled once per process (issue 15: the CPU a request costs).

On deadline day most of a request's CPU is Django building and compiling SQL, not the
database running it: the review form with its cycle, participant, people and ladder
(`select_related` over six tables, 150 columns) takes about 3.5 ms of CPU to compile and
0.3 ms to run. A `Prepared` query is built and compiled once per process and database
connection, with stand-in values; each call puts its own values into the compiled
parameters and hands the rows to Django's own iterable, so the objects (or `values()`,
`values_list()`) are exactly what the queryset would give (`select_related` included).

    FORM = Prepared(
        lambda form_id: ReviewForm.objects.select_related("cycle").filter(public_id=form_id)[:1],
        form_id=str,
    )
    FORM.first(form_id="ab12…")

Rules that keep it the same query:
- `build` is a pure function of its arguments: each one is used as a plain value (an
  equality or a comparison, never a list, None or `__contains`), and the query reads
  nothing else that changes (no `timezone.now()`). Compiling checks that every stand-in
  reaches the parameters unchanged.
- A value of another type than declared (None, a list, a model) runs the ordinary
  queryset, as does a `build` that needs `prefetch_related`.
- Tenant scoping stays: a query of a tenant-owned model is compiled under a stand-in
  organization and run with the active one's key; with no active organization it raises
  `ScopeError` as the manager does; an explicitly unscoped block has its own compiled form.

`tests/organizations/test_prepared.py` compares every prepared query's SQL and
parameters with its ordinary queryset's.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import Any

from django.db import connections, models

from organizations.scoping import UNSCOPED, ScopeError, _active, is_tenant_model, scope

# stand-ins: outside any real key's or public id's range, and never run
_ORG = 2_000_000_000
_INT = 2_000_000_100
_STR = "\x00prepared:{}\x00"

REGISTRY: list[Prepared] = []
# rows as objects, values() or values_list(): each asks the query's compiler for its rows
ITERABLES = (
    models.query.ModelIterable,
    models.query.ValuesIterable,
    models.query.ValuesListIterable,
    models.query.FlatValuesListIterable,
)


class _StandIn:
    """The organization a tenant query is compiled for (only its key is read)."""

    pk = _ORG


class _Compiled:
    def __init__(self, prepared: Prepared, alias: str, scoped: bool) -> None:
        stand_ins = prepared.stand_ins()
        if scoped:
            with scope(_StandIn()):  # type: ignore[arg-type]
                queryset = prepared.build(**stand_ins)
        else:
            queryset = prepared.build(**stand_ins)
        plain = queryset._iterable_class in ITERABLES
        if queryset._prefetch_related_lookups or not plain:  # type: ignore[attr-defined]
            raise ValueError(f"{prepared.name}: only plain querysets can be prepared")
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        # the columns' converters (dates on SQLite, JSON...): the same for every run
        columns = [s[0] for s in self.compiler.select[0 : self.compiler.col_count]]
        self.converters = self.compiler.get_converters(columns)
        wanted = dict(stand_ins)
        if scoped:
            wanted["\x00organization"] = _ORG
        self.slots: list[tuple[int, str]] = []
        for name, value in wanted.items():
            found = [i for i, p in enumerate(self.params) if p == value and type(p) is type(value)]
            if not found:
                raise ValueError(f"{prepared.name}: {name!r} does not reach the SQL unchanged")
            self.slots.extend((i, name) for i in found)

    def run(self, values: dict[str, Any]) -> list[Any]:
        params = self.params[:]
        for i, name in self.slots:
            params[i] = values[name]
        compiler = copy.copy(self.compiler)
        compiled = (self.sql, tuple(params))
        compiler.as_sql = lambda *args, **kwargs: compiled
        converters = self.converters
        compiler.get_converters = lambda expressions: converters
        queryset = self.queryset._chain()  # type: ignore[attr-defined]
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset._iterable_class(queryset))


class Prepared:
    """A query of fixed shape, compiled once per connection; see the module's docstring."""

    def __init__(self, build: Callable[..., models.QuerySet], **kinds: type) -> None:
        for kind in kinds.values():
            if kind not in (int, str):
                raise TypeError("a prepared query takes int and str values only")
        self.build = build
        self.kinds = kinds
        self.name = getattr(build, "__qualname__", repr(build))
        self._by_connection: weakref.WeakKeyDictionary[Any, dict[bool, _Compiled]] = (
            weakref.WeakKeyDictionary()
        )
        REGISTRY.append(self)

    def stand_ins(self) -> dict[str, Any]:
        return {
            name: _INT + n if kind is int else _STR.format(name)
            for n, (name, kind) in enumerate(self.kinds.items())
        }

    def compiled(self, alias: str = "default", *, scoped: bool) -> _Compiled:
        connection = connections[alias]
        forms = self._by_connection.setdefault(connection, {})
        found = forms.get(scoped)
        if found is None:
            found = forms[scoped] = _Compiled(self, alias, scoped)
        return found

    def all(self, **values: Any) -> list[Any]:
        """The rows, as `list(build(**values))` gives them."""
        if set(values) != set(self.kinds):
            raise TypeError(f"{self.name} takes {sorted(self.kinds)}")
        if any(type(values[name]) is not kind for name, kind in self.kinds.items()):
            return list(self.build(**values))
        model = self.build_model()
        active = _active.get()
        tenant = is_tenant_model(model)
        if tenant and active is None:
            return list(self.build(**values))  # raises ScopeError, as the manager does
        scoped = tenant and active is not UNSCOPED
        if scoped:
            values = {**values, "\x00organization": active.pk}
        return self.compiled(scoped=scoped).run(values)

    def first(self, **values: Any) -> Any:
        """The first row or None (`build` says the order and the limit)."""
        rows = self.all(**values)
        return rows[0] if rows else None

    def build_model(self) -> type[models.Model]:
        model = getattr(self, "_model", None)
        if model is None:
            with scope(_StandIn()):  # type: ignore[arg-type]
                model = self._model = self.build(**self.stand_ins()).model
        return model


__all__ = ["REGISTRY", "Prepared", "ScopeError"]
