"""The development plan's section on a person's page (registered with `people.panels`)."""

from __future__ import annotations

from typing import Any

from growth.access import can_hold_conversations, can_see_plan, report_visible
from growth.selectors import items_by_competency, plan_for, released_participations
from growth.views.common import viewer
from organizations.access import OrgRequest
from people.models import Person
from reviews.models import ReviewForm


def development_panel(request: OrgRequest, person: Person) -> dict[str, Any] | None:
    me = viewer(request)
    if not can_see_plan(me, person):
        return None
    latest = next((p for p in released_participations(person)[:3] if report_visible(p, me)), None)
    return {
        "template": "growth/partials/person_panel.html",
        "growth_plan": plan_for(person),
        "growth_latest": latest,
        "growth_converse": can_hold_conversations(me, person),
    }


def review_form_notes(form: ReviewForm) -> dict[str, dict[str, Any]]:
    """Beside each competency of a self or manager review: the open and completed action
    items of the person reviewed (peers and upward reviewers never see the plan)."""
    if form.kind not in (ReviewForm.Kind.SELF, ReviewForm.Kind.MANAGER):
        return {}
    person_id = form.participant.person_id
    by_comp = items_by_competency([person_id]).get(person_id, {})
    return {
        uid: {
            "template": "growth/partials/form_items.html",
            "live": items.live,
            "done": items.done,
            "own": form.kind == ReviewForm.Kind.SELF,
        }
        for uid, items in by_comp.items()
    }
