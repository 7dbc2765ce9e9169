"""Health checks for load balancers and orchestrators.

- `/healthz`: the process is alive and reaches its database (restart it if not).
- `/readyz`: it can serve — the database, the shared cache (sessions' reads, rate
  limits) and the job queue answer. 200 with what was checked, or 503 naming what
  failed, so a load balancer stops sending traffic until it recovers.

`HealthCheckMiddleware` sits first: it answers these two paths before host validation
and the HTTPS redirect, because probes come over plain HTTP to the container's own
address (which is not in ALLOWED_HOSTS). The two URLs exist too, for the access walk and
for anyone calling them through the normal stack.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key = f"readyz:{secrets.token_hex(4)}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def check_queue() -> None:
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1].exists()
    elif settings.TASKS_ON_REDIS:
        from django.tasks import task_backends

        task_backends["default"].get_client().ping()  # type: ignore[attr-defined]
    else:  # another backend: it must at least load
        from django.tasks import task_backends

        task_backends["default"]


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
}


def readiness() -> tuple[bool, dict[str, str]]:
    report: dict[str, str] = {}
    ok = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:
            ok = False
            report[name] = f"failed: {type(error).__name__}"
            logger.warning("Readiness check %s failed", name, exc_info=True)
        else:
            report[name] = f"ok ({(time.monotonic() - started) * 1000:.0f} ms)"
    return ok, report


def healthz(request: HttpRequest) -> HttpResponse:
    try:
        check_database()
    except Exception:
        logger.warning("Health check failed", exc_info=True)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    ok, report = readiness()
    body = {"status": "ok" if ok else "unavailable", **report}
    return JsonResponse(body, status=200 if ok else 503)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            response = probe(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
