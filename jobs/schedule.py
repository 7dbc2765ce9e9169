"""What runs on its own, and when. Each job's hook is a dotted path (imported when it
runs, so `jobs` sits above the apps it calls and they never import it).

A per-organization hook is called as `hook(org, now)` inside `scope(org)`, once per
organization the job covers, each in its own transaction: one organization's failure
does not hold up the others, and a retry skips the organizations already done. Every
hook is idempotent (what it sends or changes is claimed by a row first), so running it
again — a retry, a slot run late — never sends an e-mail twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Job:
    name: str
    title: str  # what an operator reads in the admin and `manage.py jobs`
    hook: str
    every: dt.timedelta
    # per_organization: "writable" (not read-only), "billable" (not suspended) or "" (once)
    organizations: str = "writable"
    at: dt.timedelta = dt.timedelta(0)  # offset into each period (daily jobs: the time)

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The due time of the latest period that has started at `now`."""
        periods = (now - EPOCH - self.at) // self.every
        return EPOCH + self.at + periods * self.every

    def function(self) -> Callable[..., Any]:
        return import_string(self.hook)


def _daily_at() -> dt.timedelta:
    hours, _, minutes = settings.SCHEDULER_DAILY_AT.partition(":")
    return dt.timedelta(hours=int(hours), minutes=int(minutes or 0))


def jobs() -> list[Job]:
    daily = _daily_at()
    return [
        Job(
            "review-reminders",
            "Review reminders (7 days and 1 day before each deadline)",
            "jobs.hooks.review_reminders",
            DAY,
            at=daily,
        ),
        Job(
            "overdue-action-items",
            "Overdue action items (at most one e-mail a week per item)",
            "jobs.hooks.overdue_action_items",
            DAY,
            at=daily,
        ),
        Job(
            "billing",
            "Trials and subscriptions: reminders, read-only when they end",
            "jobs.hooks.billing",
            HOUR,
            organizations="billable",
        ),
        Job(
            "organization-deletions",
            "Organizations whose deletion grace period is over; expired data exports",
            "jobs.hooks.organization_deletions",
            HOUR,
            organizations="",
        ),
        Job(
            "database-statistics",
            "Table statistics for SQLite's query planner (PostgreSQL keeps its own)",
            "jobs.hooks.database_statistics",
            DAY,
            organizations="",
            at=daily,
        ),
        Job(
            "prune",
            "Tidy up: old finished background tasks and scheduled runs",
            "jobs.hooks.prune",
            DAY,
            organizations="",
            at=daily,
        ),
    ]


def get(name: str) -> Job:
    for job in jobs():
        if job.name == name:
            return job
    raise KeyError(name)
