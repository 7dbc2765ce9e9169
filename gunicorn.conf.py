"""gunicorn reads this file when started from the project folder (the default
`./gunicorn.conf.py`). It refuses to start several workers on a cache that each
process keeps to itself: every rate limit would then be multiplied by the workers."""

from __future__ import annotations

from typing import Any


def on_starting(server: Any) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")  # as clb/wsgi.py does
    django.setup()
    from core.checks import per_process_cache_problem

    problem = per_process_cache_problem(int(server.cfg.workers))
    if problem:
        raise RuntimeError(problem)
