"""Background jobs of growth: overdue action item reminders. They take ids, re-enter the
organization's scope and claim each item before e-mailing about it (never twice)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.tasks import task

from growth.models import ActionItem
from growth.services.reminders import claim_overdue
from organizations.emails import page_url, send_templated
from organizations.models import Organization
from organizations.scoping import scope
from people.models import Person


def _plan_url(person: Person) -> str:
    return page_url("growth:plan", "/", person_id=person.public_id)


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
                "plans": sorted(
                    {(i.person.name, _plan_url(i.person)) for i in mine}, key=lambda p: p[0]
                ),
            }
            send_templated("growth/email/overdue", person.email, context)
            sent += 1
    return sent
