"""System checks for how the product is deployed (`manage.py check`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def per_process_cache_problem(workers: int) -> str:
    """Why `workers` web processes cannot share this cache, or ""."""
    default: Any = settings.CACHES["default"]
    backend = str(default["BACKEND"])
    if workers <= 1 or backend not in PER_PROCESS_CACHES:
        return ""
    return (
        f"{workers} web workers would each keep their own cache ({backend.rsplit('.', 1)[-1]}), "
        "so every rate limit (failed logins, sign-ups, password resets) would be multiplied "
        f"by {workers}. Use the shared database cache (leave CACHE_BACKEND unset and run "
        "`manage.py createcachetable`) or Redis (REDIS_URL), or run one worker."
    )


@checks.register(checks.Tags.security, deploy=False)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    workers = int(os.environ.get("WEB_CONCURRENCY", "1") or "1")
    problem = per_process_cache_problem(workers)
    return [checks.Error(problem, id="clb.E001")] if problem else []
