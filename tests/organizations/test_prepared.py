"""Prepared queries (organizations/prepared.py): compiled once, the same query as the
ordinary queryset, the same objects, and the tenant scope kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.prepared import REGISTRY, Prepared
from organizations.scoping import ScopeError, is_tenant_model, scope, unscoped
from people.models import Person


def _loaded() -> list[Prepared]:
    import clb.urls  # noqa: F401  (every view module, so every prepared query)

    return list(REGISTRY)


def _sample(prepared: Prepared) -> dict[str, Any]:
    return {
        name: 7 + n if kind is int else f"v{n}x"
        for n, (name, kind) in enumerate(prepared.kinds.items())
    }


@pytest.mark.parametrize("scoped", [True, False], ids=["scoped", "unscoped"])
def test_every_prepared_query_is_its_queryset_with_the_values_put_in(world: Any, scoped: bool):
    from django.db.models.sql.compiler import SQLCompiler

    prepared_queries = _loaded()
    assert len(prepared_queries) >= 4
    for prepared in prepared_queries:
        values = _sample(prepared)
        use_scope = scoped and is_tenant_model(prepared.build_model())
        with scope(world.acme) if scoped else unscoped():
            sql, expected = prepared.build(**values).query.get_compiler("default").as_sql()
            compiled = prepared.compiled(scoped=use_scope)
        params = compiled.params[:]
        filled = {**values, "\x00organization": world.acme.pk}
        for i, name in compiled.slots:
            params[i] = filled[name]
        assert isinstance(compiled.compiler, SQLCompiler)
        assert (compiled.sql, tuple(params)) == (sql, tuple(expected)), prepared.name


def test_a_prepared_query_gives_the_objects_the_queryset_gives(world: Any):
    from people.selectors import PERSON_OF_USER

    with scope(world.acme):
        expected = Person.objects.filter(user=world.manager).select_related("job_family").get()
        with CaptureQueriesContext(connection) as run:
            found = PERSON_OF_USER.first(user_id=world.manager.pk)
            assert found is not None
            found.job_family  # noqa: B018  (loaded with it: no query)
        assert len(run) == 1
    assert found == expected and found._state.db == "default" and not found._state.adding
    assert [f.attname for f in Person._meta.concrete_fields] == [
        f.attname for f in found._meta.concrete_fields
    ]
    assert all(
        getattr(found, f.attname) == getattr(expected, f.attname)
        for f in Person._meta.concrete_fields
    )


def test_a_prepared_query_keeps_the_tenant_scope(world: Any):
    from people.selectors import PERSON_OF_USER

    with scope(world.acme):
        assert PERSON_OF_USER.first(user_id=world.manager.pk) == world.p_manager
    with scope(world.globex):  # Max has no entry at Globex
        assert PERSON_OF_USER.first(user_id=world.manager.pk) is None
        assert PERSON_OF_USER.first(user_id=world.outsider.pk) == world.p_outsider
    with unscoped():
        assert PERSON_OF_USER.first(user_id=world.outsider.pk) == world.p_outsider
    with pytest.raises(ScopeError):
        PERSON_OF_USER.first(user_id=world.manager.pk)


def test_values_of_another_kind_run_the_ordinary_queryset(world: Any):
    from people.selectors import PERSON_OF_USER

    with scope(world.acme):
        assert PERSON_OF_USER.first(user_id=None) is None  # user IS NULL: no such person
        with pytest.raises(TypeError):
            PERSON_OF_USER.first(user=world.manager.pk)


def test_a_value_that_does_not_reach_the_sql_unchanged_is_refused(world: Any):
    odd = Prepared(lambda name: Person.objects.filter(name__icontains=name), name=str)
    try:
        with scope(world.acme), pytest.raises(ValueError, match="does not reach the SQL"):
            odd.all(name="Max")
    finally:
        REGISTRY.remove(odd)
