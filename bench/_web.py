"""A fresh "web process" for bench/scale.py: serves the largest organization's pages and
API lists (3 times each, through the full middleware stack) and prints its peak RSS as
JSON. It starts as a gunicorn worker does (`clb.process.settle`). Run by scale.py with
the plan file it writes; not a benchmark of its own."""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench._settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from clb.process import settle  # noqa: E402
from organizations.scoping import unscoped  # noqa: E402


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: on Linux that keeps the
    parent's peak across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident set now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    setup_test_environment()
    plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    setup_mb = peak_rss_mb()
    settle()  # as clb/wsgi.py does in a gunicorn worker before its first request
    start_mb = rss_mb()
    clients = {}
    for who in ("hr", "manager", "employee"):
        with unscoped():
            user = get_user_model().objects.get(email=f"{who}@{plan['slug']}.test")
        clients[who] = Client()
        clients[who].force_login(user)
    requests = failed = 0
    grew: dict[str, float] = {}  # label -> how much the peak rose while it was served
    for _ in range(3):
        for label, (who, path) in plan["pages"].items():
            requests += 1
            before = peak_rss_mb()
            failed += clients[who].get(path).status_code != 200
            grew[label] = grew.get(label, 0) + peak_rss_mb() - before
        for label, path in plan["api"].items():
            requests += 1
            headers = {"Authorization": f"Bearer {plan['token']}"}
            before = peak_rss_mb()
            failed += Client().get(path, headers=headers).status_code != 200
            grew[label] = grew.get(label, 0) + peak_rss_mb() - before
    peak = peak_rss_mb()
    figures = {
        "peak_rss_mb": round(peak, 1),
        "rss_after_setup_mb": round(setup_mb, 1),
        # what a gunicorn worker holds when it is ready for its first request
        "rss_after_start_mb": round(start_mb, 1),
        "rss_at_end_mb": round(rss_mb(), 1),
        "requests": requests,
        "errors": failed,
        # the pages that raised the peak most, MB (the first request of each warms caches)
        "peak_raised_by": {
            label: round(mb, 1)
            for label, mb in sorted(grew.items(), key=lambda kv: -kv[1])[:5]
            if mb >= 0.1
        },
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
