"""Development plans: who may change an item, validation, revision checks, the history,
career conversations, the readiness settings and overdue reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from growth import services
from growth.models import ActionItem, ActionItemEvent, CareerConversation, GrowthSettings, Rater
from growth.selectors import item_history, items_by_competency, plan_for, targets_for
from organizations.models import AuditEntry, ReadOnlyOrganization
from people.services import create_person
from reviews.services import NotAllowed, ReviewError, StaleError
from tests.growth.factories import growth_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(acme_scope, world):
    return growth_team(world, peers=1)


def comp(t, name="Delivery"):
    return next(c for c in targets_for(t.emma) if c.name == name)


def new_item(t, world, actor=None, **kw):
    delivery = comp(t)
    kw.setdefault("competency_uid", delivery.uid)
    kw.setdefault("title", "Lead the next release")
    return services.create_action_item(t.emma, actor=actor or world.employee, **kw)


def test_targets_are_the_persons_ladder_with_this_and_the_next_levels_statements(t):
    got = {c.name: [s.text.split()[0] for s in c.statements] for c in targets_for(t.emma)}
    assert got == {
        "Delivery": ["d2a", "d2b", "d3a", "d3b", "d3c", "dm3"],
        "Communication": ["c2a", "c2b", "c3a", "cm3a", "cm3b"],
        "Craft": ["k1", "k3"],
    }


def test_the_employee_and_managers_update_items_with_a_history(t, world):
    delivery = comp(t)
    item = new_item(
        t,
        world,
        statement_uid=delivery.statements[0].uid,
        resource_kind="course",
        resource="https://learn.example/shipping",
        due=timezone.localdate() + dt.timedelta(days=30),
    )
    assert item.owner_id == t.emma.pk and item.statement_text.startswith("d2a")
    item = services.update_action_item(
        item, actor=world.manager, expected_revision=0, milestone="Release 4.2", owner=t.max
    )
    item = services.set_item_status(
        item, status="done", actor=world.employee, expected_revision=1, note="Shipped."
    )
    assert item.completed_at is not None and item.revision == 2
    history = item_history(item)
    assert [e.kind for e in history] == ["created", "updated", "status"]
    assert history[1].changes == {
        "milestone": ["", "Release 4.2"],
        "owner": ["Emma Employee", "Max Manager"],
    }
    assert (
        history[2].changes == {"status": ["Not started", "Done"]} and history[2].note == "Shipped."
    )
    assert history[1].actor_label.endswith("<max@acme.test>")
    assert AuditEntry.objects.filter(action__startswith="action_item.").count() == 3
    # HR too
    services.set_item_status(item, status="in_progress", actor=world.hr, expected_revision=2)
    item.refresh_from_db()
    assert item.completed_at is None


def test_a_stale_edit_changes_nothing(t, world):
    item = new_item(t, world)
    services.update_action_item(item, actor=world.manager, expected_revision=0, title="A")
    with pytest.raises(StaleError):
        services.update_action_item(item, actor=world.employee, expected_revision=0, title="B")
    item.refresh_from_db()
    assert item.title == "A" and ActionItemEvent.objects.filter(item=item).count() == 2


def test_people_outside_the_line_cannot_change_a_plan(t, world):
    item = new_item(t, world)
    peer_user = t.peer_users[0]
    with pytest.raises(NotAllowed):
        new_item(t, world, actor=peer_user)
    with pytest.raises(NotAllowed):
        services.update_action_item(item, actor=peer_user, expected_revision=0, title="x")
    # Emma may not change her manager's plan
    with pytest.raises(NotAllowed):
        services.create_action_item(
            t.max, actor=world.employee, competency_uid=comp(t).uid, title="x"
        )


def test_validation_lists_every_problem(t, world):
    with pytest.raises(ReviewError) as err:
        services.create_action_item(
            t.emma,
            actor=world.employee,
            competency_uid="nope",
            title="  ",
            resource="javascript://alert(1)",
            resource_kind="podcast",
            due=timezone.localdate() - dt.timedelta(days=1),
            owner=t.peers[0],
            status="finished",
        )
    fields = [f for f, _ in err.value.errors]
    assert sorted(fields) == sorted(
        ["title", "resource", "resource_kind", "status", "due", "owner", "competency"]
    )
    with pytest.raises(ReviewError) as err:
        new_item(t, world, statement_uid=comp(t, "Craft").statements[0].uid)
    assert err.value.errors == [("statement", "Choose a statement of this competency.")]
    assert not ActionItem.objects.exists()


def test_a_past_due_date_can_stay_but_not_be_chosen(t, world):
    item = new_item(t, world, due=timezone.localdate())
    ActionItem.objects.filter(pk=item.pk).update(due=timezone.localdate() - dt.timedelta(days=3))
    item.refresh_from_db()
    item = services.update_action_item(
        item, actor=world.employee, expected_revision=0, title="Renamed", due=item.due
    )
    assert item.title == "Renamed"


def test_read_only_organization_refuses_changes(t, world):
    item = new_item(t, world)
    world.acme.trial_ends_at = timezone.now() - dt.timedelta(days=1)
    world.acme.save(update_fields=["trial_ends_at"])
    item = ActionItem.objects.get(pk=item.pk)
    with pytest.raises(ReadOnlyOrganization):
        services.update_action_item(item, actor=world.employee, expected_revision=0, title="x")


def test_plan_order_and_what_review_forms_show(t, world):
    today = timezone.localdate()
    later = new_item(t, world, title="Later", due=today + dt.timedelta(days=40))
    soon = new_item(t, world, title="Soon", due=today + dt.timedelta(days=5))
    done = new_item(t, world, title="Done one", status="done")
    ActionItem.objects.filter(pk=later.pk).update(due=today - dt.timedelta(days=1))
    plan = plan_for(t.emma)
    assert [i.title for i in plan.live] == ["Later", "Soon"]  # overdue first
    assert [i.title for i in plan.overdue] == ["Later"]
    assert [i.title for i in plan.done] == ["Done one"]
    shown = items_by_competency([t.emma.pk])[t.emma.pk][comp(t).uid]
    assert [i.pk for i in shown.live] == [later.pk, soon.pk] and [i.pk for i in shown.done] == [
        done.pk
    ]


def test_career_conversations_are_for_managers_and_hr(t, world):
    today = timezone.localdate()
    with pytest.raises(NotAllowed):
        services.record_career_conversation(t.emma, actor=world.employee, held_on=today, notes="Me")
    with pytest.raises(ReviewError) as err:
        services.record_career_conversation(
            t.emma,
            actor=world.manager,
            held_on=today + dt.timedelta(days=1),
            notes="",
            next_follow_up=today - dt.timedelta(days=1),
        )
    assert [f for f, _ in err.value.errors] == ["held_on", "next_follow_up"]
    services.record_career_conversation(
        t.emma,
        actor=world.manager,
        held_on=today,
        notes="Wants to grow towards G3.",
        next_follow_up=today + dt.timedelta(days=30),
    )
    assert plan_for(t.emma).next_follow_up == today + dt.timedelta(days=30)
    entry = AuditEntry.objects.get(action="career_conversation.recorded")
    assert "G3" not in str(entry.data)  # the notes stay out of the audit log
    assert CareerConversation.objects.get().held_by_id == t.max.pk


def test_settings_need_hr_and_a_fresh_revision(t, world):
    kwargs = dict(
        readiness_percent=75, readiness_rating=4, readiness_rater=Rater.MANAGER, suggestions=2
    )
    with pytest.raises(NotAllowed):
        services.update_settings(world.acme, actor=world.manager, expected_revision=0, **kwargs)
    row = services.update_settings(world.acme, actor=world.hr, expected_revision=0, **kwargs)
    assert (row.revision, row.readiness_percent, row.readiness_rating) == (1, 75, 4)
    with pytest.raises(StaleError):
        services.update_settings(world.acme, actor=world.owner, expected_revision=0, **kwargs)
    with pytest.raises(ReviewError) as err:
        services.update_settings(
            world.acme,
            actor=world.hr,
            expected_revision=1,
            readiness_percent=0,
            readiness_rating=9,
            readiness_rater="peers",
            suggestions=11,
        )
    assert len(err.value.errors) == 4
    assert GrowthSettings.objects.get().readiness_percent == 75


def test_overdue_reminders_go_once_a_week(t, world, mailoutbox, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    mine = new_item(t, world, title="Write the design doc", due=today)
    managed = new_item(t, world, title="Pair with Emma", due=today, owner=t.max)
    new_item(t, world, title="Not due yet", due=today + dt.timedelta(days=30))
    new_item(t, world, title="Finished", due=today, status="done")
    assert services.send_overdue_reminders(today) == 0  # due today is not overdue
    tomorrow = today + dt.timedelta(days=1)
    assert services.send_overdue_reminders(tomorrow) == 1
    by_to = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_to) == ["emma@acme.test", "max@acme.test"]
    assert "Two action items past their due date" in by_to["emma@acme.test"].subject
    assert "Pair with Emma" in by_to["max@acme.test"].body
    assert "Write the design doc" not in by_to["max@acme.test"].body
    # the scheduler runs again (and again): nothing more this week
    mailoutbox.clear()
    assert services.send_overdue_reminders(tomorrow) == 0
    assert services.send_overdue_reminders(tomorrow + dt.timedelta(days=6)) == 0
    assert not mailoutbox
    assert services.send_overdue_reminders(tomorrow + dt.timedelta(days=7)) == 1
    assert len(mailoutbox) == 2
    mine.refresh_from_db()
    assert mine.reminded_on == tomorrow + dt.timedelta(days=7)
    del managed


def test_a_claimed_item_is_not_claimed_twice(t, world):
    due = timezone.localdate() - dt.timedelta(days=2)
    item = new_item(t, world, due=timezone.localdate())
    ActionItem.objects.filter(pk=item.pk).update(due=due)
    today = timezone.localdate()
    assert [i.pk for i in services.claim_overdue(world.acme, today)] == [item.pk]
    assert services.claim_overdue(world.acme, today) == []


def test_inactive_people_get_no_new_items(t, world):
    other = create_person(
        world.acme, actor=world.owner, name="Gone", email="gone@acme.test", manager=world.p_manager
    )
    from people.services import set_active

    set_active(other, actor=world.owner, active=False)
    other.refresh_from_db()
    with pytest.raises(ReviewError):
        services.create_action_item(other, actor=world.hr, competency_uid="x", title="x")
