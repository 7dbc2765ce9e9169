"""Background jobs of review cycles (e-mails). They take ids, re-enter the
organization's scope, and claim each reminder before sending it (never twice)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from organizations.emails import page_url, send_templated
from organizations.models import Organization
from organizations.scoping import scope
from people.models import Person
from reviews.models import Participant, Phase, Reminder, ReviewCycle, ReviewForm


@task()
def send_cycle_emails(org_id: int, cycle_id: int, event: str) -> int:
    """'launched': each reviewer hears what they have to write; 'released': each
    participant hears their results are ready."""
    org = Organization.objects.get(pk=org_id)
    sent = 0
    with scope(org):
        cycle = ReviewCycle.objects.get(pk=cycle_id)
        if event == "launched":
            todo: dict[int, list[ReviewForm]] = {}
            for form in ReviewForm.objects.filter(cycle=cycle).select_related(
                "participant__person"
            ):
                todo.setdefault(form.reviewer_id, []).append(form)
            for person in Person.objects.filter(pk__in=list(todo), is_active=True):
                send_templated(
                    "reviews/email/launched",
                    person.email,
                    {
                        "org": org,
                        "cycle": cycle,
                        "person": person,
                        "forms": todo[person.pk],
                        "url": page_url("reviews:my_reviews", "/reviews/"),
                    },
                )
                sent += 1
        elif event == "released":
            for part in Participant.objects.filter(cycle=cycle).select_related("person"):
                if not part.person.is_active:
                    continue
                send_templated(
                    "reviews/email/released",
                    part.person.email,
                    {
                        "org": org,
                        "cycle": cycle,
                        "person": part.person,
                        "url": page_url(
                            "reviews:results", "/reviews/", participant_id=part.public_id
                        ),
                    },
                )
                sent += 1
    return sent


@task()
def send_reminder_emails(org_id: int, reminder_ids: list[int]) -> int:
    """Send each reminder that nobody has sent yet (claimed by a conditional update)."""
    org = Organization.objects.get(pk=org_id)
    sent = 0
    with scope(org):
        for reminder in Reminder.objects.filter(
            pk__in=reminder_ids, sent_at__isnull=True
        ).select_related("reviewer", "cycle"):
            claimed = Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if not claimed or not reminder.reviewer.is_active:
                continue
            cycle = reminder.cycle
            send_templated(
                "reviews/email/reminder",
                reminder.reviewer.email,
                {
                    "org": org,
                    "cycle": cycle,
                    "person": reminder.reviewer,
                    "phase": Phase(reminder.phase),
                    "count": reminder.forms,
                    "due": cycle.deadline(reminder.phase),
                    "url": page_url("reviews:my_reviews", "/reviews/"),
                },
            )
            sent += 1
    return sent
