"""The next review: each competency on a self or manager review shows the person's open
and completed action items for it (through `reviews.hooks`); peers never see them."""

from __future__ import annotations

import pytest

from growth import services
from growth.selectors import targets_for
from reviews import services as rs
from reviews.hooks import form_notes
from reviews.models import Participant, ReviewForm
from tests.growth.factories import growth_team

pytestmark = pytest.mark.django_db


def test_review_forms_show_the_plan_beside_each_competency(acme_scope, world):
    t = growth_team(world)
    comps = {c.name: c.uid for c in targets_for(t.emma)}
    live = services.create_action_item(
        t.emma, actor=world.employee, competency_uid=comps["Delivery"], title="Ship it"
    )
    done = services.create_action_item(
        t.emma,
        actor=world.manager,
        competency_uid=comps["Craft"],
        title="Add tests",
        status="done",
    )
    services.create_action_item(
        t.emma,
        actor=world.manager,
        competency_uid=comps["Craft"],
        title="Dropped",
        status="dropped",
    )
    cycle = rs.create_cycle(
        world.acme,
        name="Next",
        actor=world.hr,
        participants=[t.emma],
        inputs={"self": True, "manager": True, "peers": 3},
    )
    part = Participant.objects.get(cycle=cycle)
    for peer in t.peers:
        rs.nominate_peer(part, peer, actor=world.manager)
    cycle.refresh_from_db()
    rs.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    forms = {f.kind: f for f in ReviewForm.objects.filter(cycle=cycle).exclude(kind="peer")}
    for kind in ("self", "manager"):
        notes = form_notes(forms[kind])
        assert [i.pk for i in notes[comps["Delivery"]][0]["live"]] == [live.pk]
        assert [i.pk for i in notes[comps["Craft"]][0]["done"]] == [done.pk]
        assert notes[comps["Craft"]][0]["live"] == []  # the dropped one is not shown
        assert comps["Communication"] not in notes
    peer_form = ReviewForm.objects.filter(cycle=cycle, kind="peer").first()
    assert form_notes(peer_form) == {}
