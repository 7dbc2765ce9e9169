"""Promotion cases tell the people they concern: reviewers and approvers when a case is
sent for review, the nominee and the case's writer when it is decided. The e-mails link
to the product and carry neither the rationale nor anybody's verdict; the nominee's page
names who decided without their e-mail address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from promotions import services
from promotions.tasks import send_case_emails
from tests.promotions.factories import NOT_READY, reviewed
from tests.promotions.helpers import decide, write_all

pytestmark = pytest.mark.django_db
RATIONALE = "Confidential reasoning: shows most G3 statements, not yet the roadmap ones."


def _in_review(world, t, django_capture_on_commit_callbacks):
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    write_all(case, world.manager)
    services.set_case_people(
        case,
        actor=world.hr,
        expected_revision=case.revision,
        reviewers=[world.p_hr],
        approvers=[world.p_owner],
    )
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_case(case, actor=world.manager, expected_revision=case.revision)
    case.refresh_from_db()
    return case


def test_reviewers_and_approvers_hear_when_a_case_goes_for_review(
    t, world, django_capture_on_commit_callbacks
):
    reviewed(world, t, NOT_READY)
    mail.outbox.clear()
    case = _in_review(world, t, django_capture_on_commit_callbacks)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {world.p_hr.email, world.p_owner.email}
    approver = by_to[world.p_owner.email]
    assert approver.subject.startswith("Your approval is asked: Emma Employee")
    assert "only be approved once you approve" in approver.body
    assert by_to[world.p_hr.email].subject.startswith("Your view is asked")
    assert f"/promotions/cases/{case.public_id}/" in approver.body
    assert world.employee.email not in by_to  # the nominee does not hear of it yet


def test_the_nominee_and_the_writer_hear_the_decision_not_its_reasons(
    t, world, django_capture_on_commit_callbacks, client
):
    reviewed(world, t, NOT_READY)
    case = _in_review(world, t, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(case, world.hr, "not_yet", RATIONALE, effective_date=dt.date(2026, 4, 1))
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {world.employee.email, world.manager.email}
    nominee = by_to[world.employee.email]
    assert nominee.subject == "A decision on your promotion case"
    assert f"/promotions/cases/{case.public_id}/" in nominee.body
    assert by_to[world.manager.email].subject == "Emma Employee's promotion case has been decided"
    for message in mail.outbox:
        assert "Confidential reasoning" not in message.body
        assert "not yet" not in message.subject.lower()
    # the nominee's page names who decided, without their address
    client.force_login(world.employee)
    page = client.get(f"/promotions/cases/{case.public_id}/").content.decode()
    assert "by Hana Hr." in page
    assert world.hr.email not in page


def test_a_case_not_decided_sends_no_decision(t, world, django_capture_on_commit_callbacks):
    reviewed(world, t, NOT_READY)
    case = _in_review(world, t, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert send_case_emails.call(world.acme.pk, case.pk, "decided") == 0
    assert mail.outbox == []
    with pytest.raises(ValueError):
        send_case_emails.call(world.acme.pk, case.pk, "something-else")
