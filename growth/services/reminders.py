"""Reminder e-mails for overdue action items, sent by a background job.

An item is overdue when it is not started or in progress and its due date has passed.
Each overdue item is claimed by a conditional update of `reminded_on` before its e-mail
goes out, so it is reminded at most once every REMIND_EVERY_DAYS days, however often the
scheduler runs and however many workers race."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from growth.models import ActionItem
from organizations.models import Organization
from organizations.scoping import scope, unscoped

REMIND_EVERY_DAYS = 7


def _due_for_reminder(today: dt.date) -> Q:
    return Q(status__in=ActionItem.LIVE, due__lt=today) & (
        Q(reminded_on__isnull=True)
        | Q(reminded_on__lte=today - dt.timedelta(days=REMIND_EVERY_DAYS))
    )


def send_overdue_reminders(today: dt.date | None = None) -> int:
    """The scheduler's hook (daily): queue one job per writable organization that has
    overdue items to remind about. Returns how many organizations were queued."""
    from growth.tasks import send_overdue_emails

    today = today or timezone.localdate()
    with unscoped():
        org_ids = set(
            ActionItem.objects.filter(_due_for_reminder(today)).values_list(
                "organization_id", flat=True
            )
        )
        orgs = [o for o in Organization.objects.filter(pk__in=org_ids) if not o.is_read_only]
    for org in orgs:
        send_overdue_emails.enqueue(org.pk, today.isoformat())
    return len(orgs)


# the name the `jobs` scheduler's pre-registered hook looks for
remind_overdue_action_items = send_overdue_reminders


def claim_overdue(org: Organization, today: dt.date) -> list[ActionItem]:
    """The overdue items of `org` nobody has reminded about lately, each claimed once."""
    claimed = []
    with scope(org):
        for item in ActionItem.objects.filter(_due_for_reminder(today)).select_related(
            "person", "owner"
        ):
            if (
                ActionItem.objects.filter(pk=item.pk)
                .filter(_due_for_reminder(today))
                .update(reminded_on=today)
            ):
                claimed.append(item)
    return claimed
