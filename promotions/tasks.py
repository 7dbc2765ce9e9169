"""E-mails of promotion cases, sent by the background worker after the change commits.
They take ids and re-enter the organization's scope. The messages say what happened
and link to the product; the rationale and the verdicts stay behind the login."""

from __future__ import annotations

from django.tasks import task

from organizations.emails import page_url, send_templated
from organizations.models import Organization
from organizations.scoping import scope
from people.models import Person
from promotions.models import CaseReviewer, PromotionCase

SUBMITTED = "submitted"  # the case went for review: its reviewers and approvers hear it
DECIDED = "decided"  # the nominee and the case's writer hear the decision was made
EVENTS = (SUBMITTED, DECIDED)


@task()
def send_case_emails(org_id: int, case_id: int, event: str) -> int:
    """Tell the people a promotion case needs or concerns; returns how many were sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown promotion case event: {event}")
    org = Organization.objects.get(pk=org_id)
    sent = 0
    with scope(org):
        case = PromotionCase.objects.select_related("person", "manager").get(pk=case_id)
        url = page_url("promotions:case", "/promotions/", case_id=case.public_id)
        context = {"org": org, "case": case, "person": case.person, "url": url}
        if event == SUBMITTED:
            rows = CaseReviewer.objects.filter(case=case).select_related("person")
            roles: dict[int, tuple[Person, set[str]]] = {}
            for row in rows:
                roles.setdefault(row.person_id, (row.person, set()))[1].add(row.role)
            for person, held in roles.values():
                if not person.is_active or not person.email:
                    continue
                approver = CaseReviewer.Role.APPROVER in held
                send_templated(
                    "promotions/email/submitted",
                    person.email,
                    {**context, "to": person, "approver": approver},
                )
                sent += 1
        else:
            if case.status != PromotionCase.Status.DECIDED:
                return 0
            nominee = case.person
            if nominee.is_active and nominee.email:
                send_templated(
                    "promotions/email/decided",
                    nominee.email,
                    {**context, "to": nominee, "nominee": True},
                )
                sent += 1
            writer = case.manager
            if writer and writer.is_active and writer.email and writer.pk != nominee.pk:
                send_templated(
                    "promotions/email/decided",
                    writer.email,
                    {**context, "to": writer, "nominee": False},
                )
                sent += 1
    return sent
