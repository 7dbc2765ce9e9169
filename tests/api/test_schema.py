"""The OpenAPI schema is the contract: every route is in it, every answer fits it.

schemathesis generates requests for every operation from the served schema and sends
them with a write token of an HR admin (bounded examples, no deadline); no answer may be
a server error or break the schema (status code, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import get_resolver
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as oa_checks

from api.main import api
from tests.api.conftest import Built
from tests.conftest import World, fresh_world

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    oa_checks.status_code_conformance,
    oa_checks.content_type_conformance,
    oa_checks.response_schema_conformance,
]


def test_every_api_url_is_in_the_schema():
    """Every URL pattern under /api/v1/ (except the schema and the docs) is an operation."""
    served = set(api.get_openapi_schema()["paths"])
    resolver = get_resolver()
    missing = []
    for pattern in resolver.url_patterns:
        if str(pattern.pattern) != "api/":
            continue
        for v1 in pattern.url_patterns:  # type: ignore[attr-defined]
            if not hasattr(v1, "url_patterns"):
                continue  # /api/v1/ itself redirects to the docs
            for entry in v1.url_patterns:
                route = str(entry.pattern)
                path = "/api/v1/" + route.replace("<", "{").replace(">", "}")
                path = path.replace("{str:", "{").replace("{int:", "{").rstrip("/")
                if route in ("openapi.json", "docs", ""):
                    continue
                if path not in served:
                    missing.append(path)
    assert not missing, f"not in the schema: {missing}"


def test_the_schema_has_no_duplicate_keys(client):
    """Swagger UI refuses a schema with a key twice (e.g. a response code as 200 and "200")."""
    import json

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)


def test_the_schema_describes_problems_for_errors():
    doc = api.get_openapi_schema()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status in ("401", "403", "404", "422", "429"):
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content, (method, path, status)
            assert operation.get("security"), (method, path)


@pytest.fixture
def _keep_the_connection() -> Iterator[None]:
    """schemathesis calls the WSGI application itself, whose request signals close the
    database connection (and with it the test's transaction on PostgreSQL); Django's
    test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(module_world: World, db: Any) -> World:
    return fresh_world(module_world)


@pytest.fixture
def hr_token(world: World, built: Built, settings: Any, _keep_the_connection: None) -> str:
    """HR's write token, with every kind of Acme object the operations name (built once
    for the module, tests/api/conftest.py)."""
    settings.API_RATE_LIMIT = "100000/m"
    return built.tokens["hr"]


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_keeps_the_schema(case: Any, hr_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {hr_token}"}, checks=CHECKS)
