"""reviews.access: who sees which form and which results (pages and API share it)."""

from __future__ import annotations

import pytest

from organizations.models import Membership
from reviews import access, services
from reviews.models import Participant, ReviewCycle
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db


def viewer(user):
    return access.viewer_for(user, Membership.objects.get(user=user))


def test_who_sees_which_form(t, world):
    cycle = open_cycle(world, t)
    self_form, manager_form = form_of(cycle, "self"), form_of(cycle, "manager")
    peer_form = form_of(cycle, "peer", reviewer=t.peers[0])
    emma, max_, hana, olivia, pia = (
        viewer(world.employee),
        viewer(world.manager),
        viewer(world.hr),
        viewer(world.owner),
        viewer(t.peer_users[0]),
    )
    assert access.form_access(self_form, emma) == "edit"
    assert access.form_access(self_form, max_) is None  # not submitted yet
    assert access.form_access(self_form, hana) == "view"
    assert access.form_access(self_form, pia) is None
    assert access.form_access(manager_form, emma) is None
    assert access.form_access(manager_form, max_) == "edit"
    assert access.form_access(peer_form, pia) == "edit"
    for other in (emma, max_, hana, olivia):  # nobody else, not even HR or the owner
        assert access.form_access(peer_form, other) is None

    fill(self_form, world.employee, 3)
    self_form.refresh_from_db()
    assert access.form_access(self_form, emma) == "view"
    # the manager reads the self-review only once their own review is submitted
    assert access.form_access(self_form, max_) is None
    fill(manager_form, world.manager, 3)
    assert access.form_access(self_form, max_) == "view"

    # ... or at once, when the cycle says so
    cycle2 = open_cycle(
        world,
        t,
        manager_sees_self="when_submitted",
        inputs={"self": True, "manager": True, "peers": 0},
    )
    early = fill(form_of(cycle2, "self"), world.employee, 3)
    assert access.form_access(early, max_) == "view"


def test_listing_forms_hides_other_peoples_peer_reviews(t, world):
    cycle = open_cycle(world, t)
    kinds = lambda user: sorted(  # noqa: E731
        access.visible_forms(cycle, viewer(user)).values_list("kind", flat=True)
    )
    assert kinds(world.hr) == ["manager", "peer", "peer", "peer", "self"]
    assert kinds(world.manager) == ["manager", "self"]
    assert kinds(world.employee) == ["self"]
    assert kinds(t.peer_users[0]) == ["peer"]


def test_results_only_after_release(t, world):
    cycle = open_cycle(world, t)
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    assert not access.results_visible(part, viewer(world.employee))
    ReviewCycle.objects.filter(pk=cycle.pk).update(status="released")
    part = Participant.objects.select_related("cycle").get(pk=part.pk)
    for user in (world.employee, world.manager, world.hr, world.owner):
        assert access.results_visible(part, viewer(user)), user
    assert not access.results_visible(part, viewer(t.peer_users[0]))


def test_draft_cycles_are_only_for_hr(t, world):
    cycle = services.create_cycle(
        world.acme, name="Later", actor=world.hr, participants=[t.emma], inputs={"self": True}
    )
    assert cycle in access.visible_cycles(viewer(world.hr))
    assert cycle not in access.visible_cycles(viewer(world.employee))
