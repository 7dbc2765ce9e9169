"""Promotion decisions as facts for the fairness analytics (which sits above this app and
joins them with volunteered demographic data; this module never reads that data).

Each decided case is one person considered for promotion: promoted when approved, not
promoted for "not yet" and "decline". With it: their average final rating in the latest
review cycle released before the decision, and how long they had been on the level they
were promoted from. Three queries, whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg

from growth.selectors import RELEASED
from people.models import LevelChange
from promotions.models import PromotionCase
from reviews.models import FinalRating


@dataclass(frozen=True)
class DecisionFact:
    person_id: int
    email: str
    promoted: bool
    decided_on: dt.date
    rating: Decimal | None  # mean final rating of the latest released cycle before it
    days_in_level: int | None


def decision_facts() -> list[DecisionFact]:
    cases = list(
        PromotionCase.objects.filter(status=PromotionCase.Status.DECIDED)
        .order_by("decided_at", "id")
        .values_list("person_id", "person__email", "decision", "decided_at", "from_level_uid")
    )
    people = {c[0] for c in cases}
    means: dict[int, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    for person_id, released, avg in (
        FinalRating.objects.filter(
            participant__person_id__in=people,
            participant__cycle__status__in=RELEASED,
            final__isnull=False,
        )
        .order_by()
        .values_list("participant__person_id", "participant__cycle__released_at")
        .annotate(avg=Avg("final"))
        .values_list("participant__person_id", "participant__cycle__released_at", "avg")
    ):
        if released is not None and avg is not None:
            means[person_id].append((released, Decimal(str(avg)).quantize(Decimal("0.01"))))
    starts: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
    for person_id, uid, effective in LevelChange.objects.filter(person_id__in=people).values_list(
        "person_id", "level_uid", "effective_date"
    ):
        starts[(person_id, uid)].append(effective)
    facts = []
    for person_id, email, decision, decided_at, from_uid in cases:
        if decided_at is None:
            continue
        before = [m for m in means.get(person_id, []) if m[0] <= decided_at]
        rating = max(before)[1] if before else None
        day = decided_at.date()
        began = [d for d in starts.get((person_id, from_uid), []) if d <= day]
        facts.append(
            DecisionFact(
                person_id=person_id,
                email=email,
                promoted=decision == PromotionCase.Decision.APPROVE,
                decided_on=day,
                rating=rating,
                days_in_level=(day - max(began)).days if began else None,
            )
        )
    return facts
