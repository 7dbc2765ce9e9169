"""Background jobs of review cycles (e-mails). They take ids, re-enter the
organization's scope, and claim each reminder before sending it (never twice)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from organizations.models import Organization
from organizations.scoping import scope
from people.models import Person
from reviews.models import Participant, Phase, Reminder, ReviewCycle, ReviewForm


def _send(template: str, to: str, context: dict) -> None:
    context = {**context, "SITE_URL": settings.SITE_URL.rstrip("/")}
    subject = " ".join(render_to_string(f"reviews/email/{template}_subject.txt", context).split())
    body = render_to_string(f"reviews/email/{template}_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def _url(name: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:  # the pages are not mounted (domain layer only)
        return "/reviews/"


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
                _send(
                    "launched",
                    person.email,
                    {
                        "org": org,
                        "cycle": cycle,
                        "person": person,
                        "forms": todo[person.pk],
                        "url": _url("reviews:my_reviews"),
                    },
                )
                sent += 1
        elif event == "released":
            for part in Participant.objects.filter(cycle=cycle).select_related("person"):
                if not part.person.is_active:
                    continue
                _send(
                    "released",
                    part.person.email,
                    {
                        "org": org,
                        "cycle": cycle,
                        "person": part.person,
                        "url": _url("reviews:results", participant_id=part.public_id),
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
            _send(
                "reminder",
                reminder.reviewer.email,
                {
                    "org": org,
                    "cycle": cycle,
                    "person": reminder.reviewer,
                    "phase": Phase(reminder.phase),
                    "count": reminder.forms,
                    "due": cycle.deadline(reminder.phase),
                    "url": _url("reviews:my_reviews"),
                },
            )
            sent += 1
    return sent
