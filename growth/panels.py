"""The development plan's section on a person's page (registered with `people.panels`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from growth.access import can_hold_conversations, can_see_plan, report_visible
from growth.selectors import plan_for, released_participations
from growth.views.common import viewer
from people.models import Person


def development_panel(request: HttpRequest, person: Person) -> dict[str, Any] | None:
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
