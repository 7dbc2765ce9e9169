"""The scheduled jobs' hooks: thin calls into the apps' own idempotent services. A
per-organization hook runs inside `scope(org)` and returns a short summary."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organizations.models import Organization


def review_reminders(org: Organization, now: dt.datetime) -> str:
    from reviews.services import send_due_reminders_for

    sent = send_due_reminders_for(org, timezone.localdate(now))
    return f"{sent} reminder(s) queued"


def overdue_action_items(org: Organization, now: dt.datetime) -> str:
    from growth.tasks import send_overdue_emails

    # the task claims each overdue item before e-mailing about it: a rerun sends nothing
    sent = send_overdue_emails.call(org.pk, timezone.localdate(now).isoformat())
    return f"{sent} e-mail(s) sent"


def billing(org: Organization, now: dt.datetime) -> str:
    from billing.services import daily_for

    return ", ".join(daily_for(org, now)) or "nothing due"


def organization_deletions(now: dt.datetime) -> str:
    from datarights.services import run_due_deletions

    # each deletion is claimed by a conditional update and runs in its own transaction
    return f"{run_due_deletions(now)} organization(s) deleted"


def prune(now: dt.datetime) -> str:
    """Successful background tasks after 14 days, failed ones and scheduled runs after
    90 (a failure stays visible to the operator for three months)."""
    from django_tasks_db.models import DBTaskResult

    from jobs.models import ScheduledRun

    tasks, _ = (
        DBTaskResult.objects.successful()
        .filter(finished_at__lt=now - dt.timedelta(days=14))
        .delete()
    )
    failed, _ = (
        DBTaskResult.objects.failed().filter(finished_at__lt=now - dt.timedelta(days=90)).delete()
    )
    runs, _ = ScheduledRun.objects.filter(due_at__lt=now - dt.timedelta(days=90)).delete()
    return f"{tasks + failed} task result(s), {runs} run(s) removed"


def database_statistics(now: dt.datetime) -> str:
    """`ANALYZE` on SQLite: without table statistics it reads one person's form items
    through the organization's index, every item of every cycle (docs/performance.md).
    PostgreSQL's autovacuum keeps its statistics on its own."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return "not needed on this database"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "tables analyzed"
