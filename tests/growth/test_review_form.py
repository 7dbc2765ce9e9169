"""The next review: each competency on a self or manager review shows the person's open
and completed action items for it (through `reviews.hooks`), on the page; peers never see
them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import html

from growth import services
from growth.selectors import targets_for
from reviews.hooks import form_notes
from reviews.models import ReviewForm
from tests.growth.factories import growth_team
from tests.reviews.helpers import open_cycle

pytestmark = pytest.mark.django_db


def form_url(form: ReviewForm) -> str:
    return reverse("reviews:form", kwargs={"form_id": form.public_id})


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
    cycle = open_cycle(world, t)  # self, manager and three peers
    forms = {f.kind: f for f in ReviewForm.objects.filter(cycle=cycle).exclude(kind="peer")}
    for kind in ("self", "manager"):
        notes = form_notes(forms[kind])
        assert [i.pk for i in notes[comps["Delivery"]][0]["live"]] == [live.pk]
        assert [i.pk for i in notes[comps["Craft"]][0]["done"]] == [done.pk]
        assert notes[comps["Craft"]][0]["live"] == []  # the dropped one is not shown
        assert comps["Communication"] not in notes
    peer_form = ReviewForm.objects.get(cycle=cycle, kind="peer", reviewer=t.peers[0])
    assert form_notes(peer_form) == {}

    # and the form pages show them, inside each competency's block
    def plan_on_page(user, form):
        response = world.client_for(user).get(form_url(form))
        assert response.status_code == 200
        tree = html.fromstring(response.content)
        return {
            block.get("id")[2:]: [li.text_content().split(" (")[0] for li in block.xpath(".//li")]
            for block in tree.xpath('//section[contains(@class, "competency-block")]')
            if block.xpath('.//aside[@class="form-plan"]')
        }

    expected = {comps["Delivery"]: ["→ Ship it"], comps["Craft"]: ["✓ Add tests"]}
    assert plan_on_page(world.employee, forms["self"]) == expected
    assert plan_on_page(world.manager, forms["manager"]) == expected
    assert plan_on_page(t.peer_users[0], peer_form) == {}
