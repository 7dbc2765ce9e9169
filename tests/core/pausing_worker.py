"""Test only (tests/core/test_production.py): `manage.py worker` with one checkpoint in the
review-reminders job, so the test can kill the worker while a scheduled run is in the
middle — after one organization is done and committed, before the next one starts.

The product has no such hook: this launcher patches `jobs.hooks.review_reminders` (the
scheduler imports each hook by its dotted path when a run starts) and then runs the
ordinary `manage.py worker`. The pause happens once per PAUSE_DIR: the first worker to
reach organization PAUSE_AT_ORG writes PAUSE_DIR/paused and sleeps; a restarted
worker finds the file and goes straight on.

    python tests/core/pausing_worker.py [worker options]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
    import django

    django.setup()
    import jobs.hooks

    real = jobs.hooks.review_reminders
    marker = Path(os.environ["PAUSE_DIR"]) / "paused"

    def review_reminders(org: Any, now: Any) -> str:
        if org.slug == os.environ["PAUSE_AT_ORG"] and not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(600)  # killed here
        return real(org, now)

    jobs.hooks.review_reminders = review_reminders  # type: ignore[assignment]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
