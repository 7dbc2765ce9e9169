"""E-mails of promotion cases, sent by the background worker after the change commits.
They take ids and re-enter the organization's scope. The messages say what happened
and link to the product; the rationale and the verdicts stay behind the login."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from organizations.models import Organization
from organizations.scoping import scope
from people.models import Person
from promotions.models import CaseReviewer, PromotionCase

SUBMITTED = "submitted"  # the case went for review: its reviewers and approvers hear it
DECIDED = "decided"  # the nominee and the case's writer hear the decision was made
EVENTS = (SUBMITTED, DECIDED)


def _send(template: str, to: str, context: dict) -> None:
    context = {**context, "SITE_URL": settings.SITE_URL.rstrip("/")}
    subject = render_to_string(f"promotions/email/{template}_subject.txt", context)
    body = render_to_string(f"promotions/email/{template}_message.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def _case_url(case: PromotionCase) -> str:
    try:
        return reverse("promotions:case", kwargs={"case_id": case.public_id})
    except NoReverseMatch:  # the pages are not mounted (domain layer only)
        return "/promotions/"


@task()
def send_case_emails(org_id: int, case_id: int, event: str) -> int:
    """Tell the people a promotion case needs or concerns; returns how many were sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown promotion case event: {event}")
    org = Organization.objects.get(pk=org_id)
    sent = 0
    with scope(org):
        case = PromotionCase.objects.select_related("person", "manager").get(pk=case_id)
        context = {"org": org, "case": case, "person": case.person, "url": _case_url(case)}
        if event == SUBMITTED:
            rows = CaseReviewer.objects.filter(case=case).select_related("person")
            roles: dict[int, tuple[Person, set[str]]] = {}
            for row in rows:
                roles.setdefault(row.person_id, (row.person, set()))[1].add(row.role)
            for person, held in roles.values():
                if not person.is_active or not person.email:
                    continue
                approver = CaseReviewer.Role.APPROVER in held
                _send("submitted", person.email, {**context, "to": person, "approver": approver})
                sent += 1
        else:
            if case.status != PromotionCase.Status.DECIDED:
                return 0
            nominee = case.person
            if nominee.is_active and nominee.email:
                _send("decided", nominee.email, {**context, "to": nominee, "nominee": True})
                sent += 1
            writer = case.manager
            if writer and writer.is_active and writer.email and writer.pk != nominee.pk:
                _send("decided", writer.email, {**context, "to": writer, "nominee": False})
                sent += 1
    return sent
