"""Reminder e-mails: on demand and on a schedule, never twice for the same reminder; the
launch e-mail to every reviewer."""

from __future__ import annotations

import datetime as dt

import pytest

from reviews import services
from reviews.models import Reminder
from reviews.services.reminders import due_key
from reviews.tasks import send_reminder_emails
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db


def test_launch_emails_each_reviewer_once(t, world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_cycle(world, t)
    to = sorted(m.to[0] for m in mailoutbox)
    assert to == sorted(
        ["emma@acme.test", "max@acme.test", "pia@acme.test", "paul@acme.test", "petra@acme.test"]
    )
    peer_mail = next(m for m in mailoutbox if m.to == ["pia@acme.test"])
    assert "Peer feedback for Emma Employee" in peer_mail.body
    assert "/reviews/" in peer_mail.body


def test_reminders_on_demand_go_once_to_those_still_writing(
    t, world, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = open_cycle(world, t, deadlines={"peer": dt.date(2026, 5, 1)})
    fill(form_of(cycle, "peer", reviewer=t.peers[0]), t.peer_users[0], 3)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(cycle, "peer", actor=world.hr) == 2
        assert services.send_reminders(cycle, "peer", actor=world.hr) == 0  # same day: once
    assert sorted(m.to[0] for m in mailoutbox) == ["paul@acme.test", "petra@acme.test"]
    assert "due 1 May" in mailoutbox[0].subject
    # a job that runs twice (a retry, two workers) sends nothing more
    ids = list(Reminder.objects.values_list("pk", flat=True))
    assert send_reminder_emails.call(world.acme.pk, ids) == 0
    assert len(mailoutbox) == 2
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_scheduled_reminders_before_each_deadline(
    t, world, mailoutbox, django_capture_on_commit_callbacks
):
    deadline = dt.date(2026, 5, 10)
    cycle = open_cycle(world, t, deadlines={"self": deadline, "manager": dt.date(2026, 6, 30)})
    assert [due_key(deadline, deadline - dt.timedelta(days=d)) for d in (9, 8, 7, 3, 1, 0, -1)] == [
        None,
        None,
        "due-in-7",
        "due-in-7",
        "due-in-1",
        "due-in-1",
        None,
    ]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(today=dt.date(2026, 5, 3)) == 1  # Emma's self-review
        assert services.send_due_reminders(today=dt.date(2026, 5, 4)) == 0  # already sent
        assert services.send_due_reminders(today=dt.date(2026, 5, 9)) == 1  # the last call
        assert services.send_due_reminders(today=dt.date(2026, 5, 9)) == 0
    assert [m.to for m in mailoutbox] == [["emma@acme.test"], ["emma@acme.test"]]
    assert set(Reminder.objects.values_list("key", flat=True)) == {"due-in-7", "due-in-1"}
    assert cycle.status == "open"


def test_nomination_reminders_go_to_people_with_too_few_peers(
    t, world, django_capture_on_commit_callbacks
):
    cycle = open_cycle(world, t, people=[t.emma, t.peers[0]])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(cycle, "nominations", actor=world.hr) == 1
    assert Reminder.objects.get().reviewer == t.peers[0]
