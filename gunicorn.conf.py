"""gunicorn reads this file when started from the project folder (the default
`./gunicorn.conf.py`): `gunicorn clb.wsgi:application` is the production command (the
Dockerfile's too). Flags on the command line win over it (bin/serve passes its own).

It refuses to start several workers on a cache that each process keeps to itself: every
rate limit would then be multiplied by the workers."""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30  # on SIGTERM, requests in flight get this long to finish
max_requests, max_requests_jitter = 2000, 200  # recycle workers now and then
forwarded_allow_ips = "*"  # Django decides whom to believe (TRUSTED_PROXIES)

if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own lines as JSON too; requests are logged by Django (clb.request)
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
else:
    accesslog = "-"


def on_starting(server: Any) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")  # as clb/wsgi.py does
    django.setup()
    from core.checks import per_process_cache_problem

    problem = per_process_cache_problem(int(server.cfg.workers))
    if problem:
        raise RuntimeError(problem)
