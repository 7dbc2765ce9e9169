"""Every API operation for every role, and for another organization's token.

The operations come from the served OpenAPI schema, so a new route is covered (and fails
until classified in tests/api/routes.py) by default. The objects are built once for
the module (tests/conftest.py `module_db`); each test, and in it each caller's request,
runs inside a savepoint that is rolled back, so every caller meets the same state (a write
by the owner does not change what HR meets, nor what the next operation's test meets)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from api.main import api
from tests.api import routes
from tests.api.conftest import ApiClient
from tests.conftest import World, fresh, fresh_world
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


def _call(client: ApiClient, method: str, path: str, op: routes.Op, objects: dict[str, Any]):
    url = path
    for param, name in op.params.items():
        value = objects[name]
        url = url.replace("{" + param + "}", str(getattr(value, "public_id", value)))
    body = op.body(objects) if op.body else None
    if op.multipart:
        return client.client.post(url, body, headers=client.headers)
    return client._call(method.lower(), url, body if method != "GET" else None)


def rolled_back(check: Callable[[], None]) -> None:
    """Run `check` in a savepoint and undo whatever it wrote."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world: World, db: Any) -> World:
    return fresh_world(module_world)


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_caller_gets_what_the_pages_allow(world, built, method, path):
    op = routes.OPS[(method, path)]
    objects = {name: fresh(value) for name, value in built.objects.items()}
    tokens = built.tokens
    outsider = ApiClient(built.outsider)
    reader = ApiClient(built.reader)
    reader.get("me")  # notes the token's first use (a write to the token's row)

    for role in routes.ROLES:  # each Acme role gets what the pages give it

        def by_role(role: str = role) -> None:
            response = _call(ApiClient(tokens[role]), method, path, op, objects)
            assert response.status_code == op.expect[role], (role, response.content[:300])

        rolled_back(by_role)

    before = acme_fingerprint(world.acme)

    def by_outsider() -> None:  # another organization's token: 404 on every Acme object
        response = _call(outsider, method, path, op, objects)
        if op.params:
            assert response.status_code == 404, response.content[:300]
        else:
            assert response.status_code < 500
            for marker in ACME_MARKERS:
                assert marker not in response.content, marker
        assert acme_fingerprint(world.acme) == before, "the outsider changed Acme's data"

    rolled_back(by_outsider)

    if method != "GET":

        def by_read_token() -> None:  # a read token changes nothing, whoever owns it
            assert _call(reader, method, path, op, objects).status_code == 403
            assert acme_fingerprint(world.acme) == before

        rolled_back(by_read_token)
