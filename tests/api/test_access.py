"""Every API operation for every role, and for another organization's token.

The operations come from the served OpenAPI schema, so a new route is covered (and fails
until classified in tests/api/routes.py) by default."""

from __future__ import annotations

from typing import Any

import pytest

from api.main import api
from organizations.scoping import scope
from tests.api import routes
from tests.api.conftest import ApiClient, make_token
from tests.test_access_matrix import ACME_MARKERS, acme_fingerprint

pytestmark = pytest.mark.django_db


def operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_every_operation_is_classified():
    missing = sorted(set(operations()) - set(routes.OPS))
    assert not missing, f"Classify these operations in tests/api/routes.py: {missing}"
    stale = sorted(set(routes.OPS) - set(operations()))
    assert not stale, f"tests/api/routes.py lists operations that do not exist: {stale}"


@pytest.fixture
def objects(world: Any) -> dict[str, Any]:
    with scope(world.acme):
        return routes.build_objects(world)


def _call(client: ApiClient, method: str, path: str, op: routes.Op, objects: dict[str, Any]):
    url = path
    for param, name in op.params.items():
        value = objects[name]
        url = url.replace("{" + param + "}", str(getattr(value, "public_id", value)))
    body = op.body(objects) if op.body else None
    if op.multipart:
        return client.client.post(url, body, headers=client.headers)
    return client._call(method.lower(), url, body if method != "GET" else None)


@pytest.mark.parametrize("role", routes.ROLES)
@pytest.mark.parametrize(("method", "path"), operations())
def test_each_role_gets_what_the_pages_allow(world, objects, role, method, path):
    op = routes.OPS[(method, path)]
    client = ApiClient(make_token(world.acme, getattr(world, role)))
    response = _call(client, method, path, op, objects)
    assert response.status_code == op.expect[role], (role, method, path, response.content[:300])


@pytest.mark.parametrize(("method", "path"), operations())
def test_another_organizations_token_gets_404_and_changes_nothing(world, objects, method, path):
    op = routes.OPS[(method, path)]
    client = ApiClient(make_token(world.globex, world.outsider))
    before = acme_fingerprint(world.acme)
    response = _call(client, method, path, op, objects)
    if op.params:
        assert response.status_code == 404, (method, path, response.content[:300])
    else:
        assert response.status_code < 500
        for marker in ACME_MARKERS:
            assert marker not in response.content, (method, path, marker)
    assert acme_fingerprint(world.acme) == before, f"{method} {path} changed Acme's data"


@pytest.mark.parametrize(("method", "path"), [o for o in operations() if o[0] != "GET"])
def test_a_read_token_changes_nothing(world, objects, method, path):
    op = routes.OPS[(method, path)]
    client = ApiClient(make_token(world.acme, world.owner, write=False))
    client.get("me")  # notes the token's first use (a write to the token's row)
    before = acme_fingerprint(world.acme)
    response = _call(client, method, path, op, objects)
    assert response.status_code == 403
    assert acme_fingerprint(world.acme) == before
