"""Reminder e-mails: on a schedule before each deadline, and on demand.

Each reminder is a row, unique per (cycle, reviewer, phase, key); a row is created once
and claimed once by the job that sends it, so no reminder goes out twice, even when
the scheduler or HR asks twice or two workers race."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from organizations.actors import Actor
from organizations.audit import record
from organizations.models import Organization
from organizations.scoping import scope
from reviews.errors import ReviewError
from reviews.models import PeerNomination, Phase, Reminder, ReviewCycle, ReviewForm
from reviews.selectors.completion import KINDS_OF_PHASE
from reviews.services.common import check_status

# days before a deadline at which the scheduled reminders go out
SCHEDULE_DAYS = (7, 1)
REMINDABLE = (Phase.NOMINATIONS, Phase.SELF, Phase.PEER, Phase.MANAGER)


def _waiting(cycle: ReviewCycle, phase: str) -> Counter[int]:
    """Reviewer person id -> how many things they still have to do in `phase`."""
    if phase == Phase.NOMINATIONS:
        waiting: Counter[int] = Counter()
        if not cycle.peers_on:
            return waiting
        counts = Counter(
            PeerNomination.objects.filter(participant__cycle=cycle)
            .exclude(status=PeerNomination.Status.DECLINED)
            .values_list("participant__person_id", flat=True)
        )
        for person_id in cycle.participants.values_list("person_id", flat=True):
            if counts[person_id] < cycle.peer_min:
                waiting[person_id] += 1
        for manager_id in PeerNomination.objects.filter(
            participant__cycle=cycle, status=PeerNomination.Status.PROPOSED
        ).values_list("participant__manager_id", flat=True):
            if manager_id:
                waiting[manager_id] += 1
        return waiting
    return Counter(
        ReviewForm.objects.filter(cycle=cycle, kind__in=KINDS_OF_PHASE[phase])
        .exclude(status=ReviewForm.Status.SUBMITTED)
        .values_list("reviewer_id", flat=True)
    )


def send_reminders(
    cycle: ReviewCycle, phase: str, *, actor: Actor = None, key: str | None = None
) -> int:
    """Queue one reminder per reviewer who still has something to do in `phase`. `key`
    names the reminder (scheduled: "due-in-7"); on demand it is today's date, so asking
    twice on one day sends once. Returns how many reminders were queued."""
    from reviews.tasks import send_reminder_emails

    if phase not in REMINDABLE:
        raise ReviewError("Choose a phase to remind people about.")
    org = cycle.organization
    org.ensure_writable()
    key = key or f"now-{timezone.localdate():%Y-%m-%d}"
    with transaction.atomic():
        check_status(cycle, ReviewCycle.Status.OPEN)
        waiting = _waiting(cycle, phase)
        done = set(
            Reminder.objects.filter(cycle=cycle, phase=phase, key=key).values_list(
                "reviewer_id", flat=True
            )
        )
        fresh = [
            Reminder(
                organization=org,
                cycle=cycle,
                reviewer_id=person_id,
                phase=phase,
                key=key,
                forms=n,
            )
            for person_id, n in waiting.items()
            if person_id not in done
        ]
        Reminder.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
        ids = list(
            Reminder.objects.filter(
                cycle=cycle, phase=phase, key=key, sent_at__isnull=True
            ).values_list("pk", flat=True)
        )
        if fresh:
            record(
                org,
                actor,
                "review_cycle.reminders_sent",
                cycle,
                data={"phase": str(Phase(phase).label), "reminders": len(fresh)},
            )
        if ids:
            transaction.on_commit(lambda: send_reminder_emails.enqueue(org.pk, ids))
    return len(fresh)


def due_key(deadline: dt.date, today: dt.date) -> str | None:
    """The scheduled reminder due today for a deadline, if any: the nearest of
    SCHEDULE_DAYS at or above the days left (a late scheduler still sends it, once)."""
    left = (deadline - today).days
    if left < 0:
        return None
    due = [d for d in SCHEDULE_DAYS if d >= left]
    return f"due-in-{min(due)}" if due else None


def send_due_reminders(today: dt.date | None = None) -> int:
    """The scheduler's hook: every open cycle of every writable organization, every phase
    with a deadline coming up. Safe to run as often as you like."""
    today = today or timezone.localdate()
    return sum(
        send_due_reminders_for(org, today)
        for org in Organization.objects.order_by("pk")
        if not org.is_read_only
    )


def send_due_reminders_for(org: Organization, today: dt.date | None = None) -> int:
    """One organization's part of `send_due_reminders` (the `jobs` scheduler runs it per
    organization, so one organization's failure does not hold up the others)."""
    today = today or timezone.localdate()
    if org.is_read_only:
        return 0
    sent = 0
    with scope(org):
        for cycle in ReviewCycle.objects.filter(status=ReviewCycle.Status.OPEN):
            for phase in REMINDABLE:
                deadline = cycle.deadline(phase)
                key = due_key(deadline, today) if deadline else None
                if key:
                    sent += send_reminders(cycle, phase, key=key)
    return sent
