"""Tenant isolation, proven over every URL pattern.

For every named URL (see tests/access_routes.py): the outsider (owner of Globex) gets
404 for anything that names an Acme object, on GET and POST, and nothing of Acme's
changes; pages without an object in the URL show the outsider their own organization
only. Acme's owner gets a real answer for the same URLs, so the 404s mean something.
A URL that is not classified in access_routes.py fails `test_every_url_is_classified`.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.models import AuditEntry
from organizations.scoping import TenantModel, scope, unscoped
from tests import access_routes
from tests.access_routes.fixtures import (  # noqa: F401 (fixtures)
    access_module_objects,
    access_objects,
    access_world,
)

pytestmark = pytest.mark.django_db

ACME_MARKERS = [b"Emma Employee", b"emma@acme.test", b"Max Manager", b"Acme"]


def _walk(resolver: URLResolver, namespace: str = "") -> list[tuple[str, Any, list[str]]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found.extend(_walk(entry, prefix))
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            full = f"{namespace}:{name}" if namespace else name
            params = list(entry.pattern.regex.groupindex)
            found.append((full, entry.callback, params))
    return found


def all_patterns() -> list[tuple[str, Any, list[str]]]:
    return _walk(get_resolver())


def auto_kind(name: str, callback: Any) -> str | None:
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    module = getattr(target, "__module__", "") or ""
    if name.startswith("admin:") or module.startswith("django.contrib.admin"):
        return "admin"
    if module.startswith("allauth") or module.startswith("django.contrib.auth"):
        return "public"
    if module.startswith("ninja"):
        return "api-meta"
    if (getattr(callback, "view_initkwargs", None) or {}).get("pattern_name"):
        return "alias"  # a RedirectView to a named (and classified) URL, e.g. allauth's old paths
    return None


def test_every_url_is_classified():
    unclassified = []
    for name, callback, _params in all_patterns():
        if auto_kind(name, callback):
            continue
        if not name or name.endswith(":") or name not in access_routes.ROUTES:
            unclassified.append(name or f"<unnamed {callback}>")
    assert not unclassified, (
        "Classify these URLs in tests/access_routes.py so the isolation test covers them: "
        + ", ".join(sorted(unclassified))
    )


def test_no_stale_routes():
    names = {name for name, _cb, _p in all_patterns()}
    stale = sorted(set(access_routes.ROUTES) - names)
    assert not stale, f"tests/access_routes.py lists URLs that no longer exist: {stale}"


def _org_tables() -> list[tuple[str, str, str]]:
    """(table, organization column, primary key column) of every model that belongs to an
    organization: the tenant models, the audit log, and any other with an organization."""
    tables = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = {f.name: f for f in model._meta.fields}
        if not (issubclass(model, TenantModel) or model is AuditEntry or "organization" in fields):
            continue
        tables.append((model._meta.db_table, fields["organization"].column, model._meta.pk.column))
    return tables


def acme_fingerprint(org: Any) -> str:
    """A hash of every tenant-owned row of Acme, plus its audit log (read as raw rows: the
    access walks take it twice per test)."""
    digest = hashlib.sha256()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, org_column, pk in _org_tables():
            cursor.execute(
                f"SELECT * FROM {q(table)} WHERE {q(org_column)} = %s ORDER BY {q(pk)}",  # noqa: S608
                [org.pk],
            )
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    with unscoped():
        org.refresh_from_db()
    digest.update(repr([org.name, org.plan, org.trial_ends_at]).encode())
    return digest.hexdigest()


def _kwargs(route: access_routes.Route, objects: dict[str, Any]) -> dict[str, str]:
    out = {}
    for param, builder_name in route.kwargs.items():
        value = objects[builder_name]
        out[param] = str(getattr(value, "public_id", value))
    return out


TENANT_ROUTES = sorted(
    n for n, r in access_routes.ROUTES.items() if r.kind in ("tenant", "catalog")
)


@pytest.mark.parametrize("name", TENANT_ROUTES)
def test_outsider_cannot_reach_acme(name: str, world: Any, objects: dict[str, Any]):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, objects))
    before = acme_fingerprint(world.acme)
    outsider = world.client_for(world.outsider)
    get = outsider.get(url)
    post = outsider.post(url, {"name": "Hacked", "text": "Hacked", "note": "Hacked"})
    if route.kwargs and route.kind == "tenant":
        assert get.status_code == 404, f"GET {url} → {get.status_code}"
        assert post.status_code in (404, 405), f"POST {url} → {post.status_code}"
    else:
        assert get.status_code in (200, 302, 403, 405), f"GET {url} → {get.status_code}"
        body = get.content
        for marker in ACME_MARKERS:
            assert marker not in body, f"{url} shows the outsider Acme data ({marker!r})"
    assert acme_fingerprint(world.acme) == before, f"the outsider changed Acme data via {url}"


@pytest.mark.parametrize("name", sorted(n for n in TENANT_ROUTES if access_routes.ROUTES[n].kwargs))
def test_owner_reaches_the_same_urls(name: str, world: Any, objects: dict[str, Any]):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, objects))
    response = world.client_for(world.owner).get(url)
    assert response.status_code not in (404, 500), f"GET {url} → {response.status_code}"


@pytest.mark.parametrize(
    "name", sorted(n for n, r in access_routes.ROUTES.items() if r.kind == "token")
)
def test_wrong_token_is_not_found(name: str, world: Any):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs={param: "not-a-real-token-123" for param in route.kwargs})
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert world.client_for(world.outsider).post(url).status_code in (404, 405)


@pytest.mark.parametrize(
    "name", sorted(n for n, r in access_routes.ROUTES.items() if r.kind == "public")
)
def test_public_pages_show_no_tenant_data(name: str, world: Any, client: Any):
    route = access_routes.ROUTES[name]
    if route.kwargs:
        pytest.skip("public URL with parameters")
    response = client.get(reverse(name))
    assert response.status_code in (200, 302, 405)
    for marker in ACME_MARKERS[:3]:
        assert marker not in response.content


@pytest.mark.parametrize(
    "name", sorted(n for n, r in access_routes.ROUTES.items() if r.kind == "dev")
)
def test_dev_tools_do_not_exist_when_off(name: str, world: Any, client: Any):
    url = reverse(name)
    for who in (client, world.client_for(world.owner)):
        assert who.get(url).status_code == 404
        assert who.post(url).status_code in (404, 405)


def test_admin_is_closed_to_customers(world: Any):
    response = world.client_for(world.outsider).get("/admin/organizations/organization/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_scoped_query_without_organization_raises():
    from organizations.scoping import ScopeError
    from people.models import Person

    with pytest.raises(ScopeError):
        list(Person.objects.all())


BEARER_ROUTES = sorted(n for n, r in access_routes.ROUTES.items() if r.kind == "bearer")


@pytest.mark.parametrize("name", BEARER_ROUTES)
def test_other_organizations_token_sees_nothing_of_acme(
    name: str, world: Any, objects: dict[str, Any], client: Any
):
    """SCIM: no token → 401; Globex's token → Acme's objects 404, lists show none of
    Acme's people, and no method changes anything of Acme's."""
    from sso.services import create_scim_token

    with scope(world.globex):
        _row, globex_token = create_scim_token(world.globex, actor=world.outsider)
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, objects))
    assert client.get(url).status_code == 401
    before = acme_fingerprint(world.acme)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {globex_token}"}
    body = '{"Operations": [{"op": "replace", "value": {"active": false}}], "userName": "x"}'
    for method in ("get", "put", "patch", "delete", "post"):
        send = getattr(client, method)
        response = (
            send(url, **auth)
            if method == "get"
            else send(url, data=body, content_type="application/scim+json", **auth)
        )
        assert response.status_code != 500, f"{method.upper()} {url}"
        if route.kwargs and "user_id" in route.kwargs:
            assert response.status_code == 404, f"{method.upper()} {url} → {response.status_code}"
        for marker in ACME_MARKERS[:3]:
            assert marker not in response.content, f"{method.upper()} {url} shows {marker!r}"
    assert acme_fingerprint(world.acme) == before, f"Globex's token changed Acme data via {url}"
