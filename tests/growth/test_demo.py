"""`seed_demo --cycles K`: K released cycles of history with moving ratings, action items
(some done, some overdue) and conversations — the same for the same seed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from growth.models import ActionItem, CareerConversation
from organizations.models import Organization
from organizations.scoping import scope, unscoped
from reviews.models import FinalRating, ReviewCycle

pytestmark = pytest.mark.django_db


def history(slug):
    with unscoped():
        org = Organization.objects.get(slug=slug)
    with scope(org):
        # the history; the demo's cycle in progress (reviews.demo) is not part of it
        released = ReviewCycle.objects.exclude(released_at=None).order_by("released_at")
        cycles = list(released.values_list("name", "status"))
        finals = sorted(
            FinalRating.objects.values_list(
                "participant__person__name",
                "participant__cycle__name",
                "competency_name",
                "final",
            )
        )
        items = sorted(ActionItem.objects.values_list("person__name", "title", "status", "due"))
        today = timezone.localdate()
        overdue = ActionItem.objects.filter(status__in=ActionItem.LIVE, due__lt=today).count()
        return cycles, finals, items, overdue, CareerConversation.objects.count()


def test_demo_history_is_deterministic_and_has_every_kind_of_content():
    call_command("seed_demo", "--org", "one", "--people", "14", "--seed", "5", "--cycles", "2")
    call_command("seed_demo", "--org", "two", "--people", "14", "--seed", "5", "--cycles", "2")
    one, two = history("one"), history("two")
    assert one[0] == two[0] and one[1] == two[1]
    assert [i[1:] for i in one[2]] == [i[1:] for i in two[2]]
    cycles, finals, items, overdue, conversations = one
    assert [s for _, s in cycles] == ["released", "released"]
    # ratings move between the cycles
    by_key = {}
    for person, _cycle, comp, final in finals:
        by_key.setdefault((person, comp), []).append(final)
    assert any(len(v) == 2 and v[0] != v[1] for v in by_key.values())
    statuses = {status for _, _, status, _ in items}
    assert {"done", "open"} <= statuses and overdue > 0 and conversations > 0
