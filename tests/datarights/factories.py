"""Emma with something in every corner: a released cycle with self, manager and peer
reviews, a decided promotion, an action item, a career conversation, a volunteered
answer and an API token. Call inside scope(world.acme)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fairness.models import DemographicAnswer, DemographicAttribute
from growth import services as gs
from tests.growth.factories import run_cycle
from tests.promotions.factories import READY, PromotionTeam, promotion_team
from tests.promotions.helpers import case_in_review, decide


@dataclass
class Rich:
    team: PromotionTeam
    participant: Any
    case: Any
    item: Any


def rich_emma(world: Any) -> Rich:
    t = promotion_team(world, peers=2)
    part = run_cycle(
        world, t, name="2026 H1", manager=READY, peers=[{}, {}],
        comments={"d3a": "Emma Employee led the search rewrite."},
    )  # fmt: skip
    case = decide(
        case_in_review(world, t),
        world.hr,
        "approve",
        "Meets every G3 statement.",
        effective_date=dt.date(2026, 4, 1),
    )
    comp = part.version.competencies.first()
    item = gs.create_action_item(
        t.emma, actor=world.manager, competency_uid=comp.uid, title="Pair with Max on planning"
    )
    gs.record_career_conversation(
        t.emma, actor=world.manager, held_on=dt.date(2026, 5, 1), notes="Wants to lead a team."
    )
    attribute = DemographicAttribute.objects.create(
        organization=world.acme, name="Age band", options=["Under 30", "30 or over"]
    )
    DemographicAnswer._base_manager.create(
        organization=world.acme, person=t.emma, attribute=attribute, value="Under 30"
    )
    from api.tokens import create_token

    create_token(world.acme, user=world.employee, actor=world.employee, name="My script")
    t.emma.refresh_from_db()
    return Rich(t, part, case, item)
