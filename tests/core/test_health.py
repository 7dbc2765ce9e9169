"""/healthz and /readyz (database, cache, queue; 503 naming what failed), answered before
host validation and the HTTPS redirect (probes come over plain HTTP to the container's
address); the request id on every response and log line; JSON log lines."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from core import health
from core.logs import JsonFormatter, RequestIdFilter, request_id

pytestmark = pytest.mark.django_db


def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: v.split(" ")[0] for k, v in body.items() if k != "status"} == {
        "database": "ok",
        "cache": "ok",
        "queue": "ok",
    }
    assert response["Cache-Control"] == "no-store"
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_names_what_failed(client, monkeypatch):
    def down() -> None:
        raise ConnectionError("Connection refused")

    monkeypatch.setitem(health.CHECKS, "cache", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failed: ConnectionError"
    assert response.json()["database"].startswith("ok")
    assert response.json()["status"] == "unavailable"


def test_an_unreachable_redis_makes_readyz_fail(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get("/readyz")  # (the settings fixture resets the caches)
    assert response.status_code == 503
    assert response.json()["cache"].startswith("failed")


def test_probes_answer_on_any_host_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["example.com"]
    client = Client(HTTP_HOST="10.0.3.7:8000")  # the load balancer's probe
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/pricing/").status_code == 400  # everything else: host checked


def test_every_response_carries_a_request_id(client):
    first = client.get("/pricing/")["X-Request-ID"]
    second = client.get("/pricing/")["X-Request-ID"]
    assert len(first) == 32 and first != second
    # the proxy's id is kept (so logs join up across the hops); a strange one is not
    assert client.get("/pricing/", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == (
        "lb-1234abcd"
    )
    assert client.get("/pricing/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_log_lines_are_json_with_the_request_id():
    record = logging.makeLogRecord(
        {"name": "clb.request", "levelname": "INFO", "msg": "GET %s", "args": ("/x",)}
    )
    record.status = 200
    token = request_id.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /x"
    assert line["request_id"] == "abc12345"
    assert line["status"] == 200
    assert line["level"] == "INFO" and line["logger"] == "clb.request"
