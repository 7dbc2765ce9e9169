"""Background jobs of growth: overdue action item reminders. They take ids, re-enter the
organization's scope and claim each item before e-mailing about it (never twice)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from growth.models import ActionItem
from growth.services.reminders import claim_overdue
from organizations.models import Organization
from organizations.scoping import scope
from people.models import Person


def _plan_url(person: Person) -> str:
    try:
        return reverse("growth:plan", kwargs={"person_id": person.public_id})
    except NoReverseMatch:  # the pages are not mounted (domain layer only)
        return "/"


@task()
def send_overdue_emails(org_id: int, today: str) -> int:
    """E-mail each owner (and the person, when someone else owns the item) one list of
    their overdue items. Returns the number of e-mails sent."""
    org = Organization.objects.get(pk=org_id)
    day = dt.date.fromisoformat(today)
    items = claim_overdue(org, day)
    todo: dict[int, list[ActionItem]] = defaultdict(list)
    people: dict[int, Person] = {}
    for item in items:
        for who in {item.person, item.owner or item.person}:
            people[who.pk] = who
            todo[who.pk].append(item)
    sent = 0
    base = settings.SITE_URL.rstrip("/")
    with scope(org):
        for pk, mine in todo.items():
            person = people[pk]
            if not person.is_active or not person.email:
                continue
            context = {
                "org": org,
                "person": person,
                "items": sorted(mine, key=lambda i: (i.due or day, i.title)),
                "today": day,
                "SITE_URL": base,
                "plans": sorted(
                    {(i.person.name, _plan_url(i.person)) for i in mine}, key=lambda p: p[0]
                ),
            }
            subject = " ".join(
                render_to_string("growth/email/overdue_subject.txt", context).split()
            )
            body = render_to_string("growth/email/overdue_message.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
            sent += 1
    return sent
