"""The team heatmap sorts its rows and finds the biggest gaps from sums done in SQL, and
builds a row's cells only when a page shows it (issue 15: the 8,000 final ratings of a
2,000-person organization were read one by one). On a seeded organization (calibrated
ratings with two decimals, three job families, several managers) it gives what reading
every final rating in Python gives: `expected_heatmap` below is that reading."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.demo_scale import seed_scale
from growth.selectors import heatmap, released_cycles
from organizations.scoping import scope
from reviews.models import FinalRating, Participant, ReviewCycle, Scale
from reviews.selectors.ratings import mean

pytestmark = pytest.mark.django_db


def expected_heatmap(cycle: ReviewCycle, family_id: int | None) -> dict[str, Any]:
    """Every final rating read and summed in Python, as the heatmap did before."""
    expected = Decimal(Scale(cycle.scale).meets)
    parts = Participant.objects.filter(cycle=cycle).order_by("person__name", "id")
    if family_id is not None:
        parts = parts.filter(family_id=family_id)
    people = list(parts.values_list("pk", "person__name", "family__name"))
    finals: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    columns: dict[str, tuple[int, str]] = {}
    for pk, uid, name, position, final in FinalRating.objects.filter(
        participant__in=[p[0] for p in people]
    ).values_list("participant_id", "competency_uid", "competency_name", "position", "final"):
        key = uid if family_id is not None else name.casefold()
        finals[pk][key] = final
        if key not in columns or position < columns[key][0]:
            columns[key] = (position, name)
    keys = sorted(columns, key=lambda k: (columns[k][0], columns[k][1].casefold()))

    def short(pk: int) -> Decimal:
        return sum(
            (expected - v for v in finals[pk].values() if v is not None and v < expected),
            Decimal(0),
        )

    order = sorted(people, key=lambda p: (-short(p[0]), p[1].casefold()))
    pooled: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for pk, _name, family in people:
        for key, final in finals[pk].items():
            if final is not None:
                pooled[(columns[key][1], family or "")].append(final)
    biggest = {
        (name, family): (mean(values), len(values), sum(1 for v in values if v < expected))
        for (name, family), values in pooled.items()
    }
    rows = [
        (name, [(None if (v := finals[pk].get(k)) is None else expected - mean([v])) for k in keys])
        for pk, name, _family in order
    ]
    return {"columns": [columns[k][1] for k in keys], "rows": rows, "biggest": biggest}


@pytest.fixture
def seeded() -> Any:
    org = seed_scale("heatsums", people=80, cycles=1, seed=11).org
    with scope(org):
        # calibrated ratings with two decimals, and a few not rated
        ids = list(FinalRating.objects.order_by("pk").values_list("pk", flat=True))
        for n, value in enumerate(["2.33", "3.67", "1.50", None, "2.67", "4.25"]):
            FinalRating.objects.filter(pk__in=ids[n::7]).update(
                final=None if value is None else Decimal(value)
            )
        yield org


def test_the_heatmap_sums_in_sql_what_every_rating_read_gives(seeded: Any) -> None:
    cycle = released_cycles()[0]
    families = sorted(
        {
            f
            for f in Participant.objects.filter(cycle=cycle).values_list("family_id", flat=True)
            if f
        }
    )
    assert len(families) >= 2
    for family_id in [None, *families]:
        want = expected_heatmap(cycle, family_id)
        heat = heatmap(cycle, family_id=family_id, biggest=1000)
        assert [c.name for c in heat.columns] == want["columns"]
        got = [(r.label, [c.gap for c in r.cells]) for r in heat.rows]
        assert got == want["rows"]
        assert any(gap is not None and gap % 1 for _label, gaps in got for gap in gaps)
        for big in heat.biggest:
            assert (big.mean_final, big.rated, big.short) == want["biggest"][(big.name, big.family)]
        shown = {(b.name, b.family) for b in heat.biggest}
        assert shown == {k for k, (avg, _n, short) in want["biggest"].items() if avg < 3 or short}


def test_a_page_of_rows_builds_its_cells_in_one_query(seeded: Any) -> None:
    cycle = released_cycles()[0]
    heat = heatmap(cycle)
    assert len(heat.rows) > 50
    with CaptureQueriesContext(connection) as first_page:
        cells = [r.cells for r in heat.rows[:50]]
    assert len(first_page) == 1
    assert all(len(c) == len(heat.columns) for c in cells)
    with CaptureQueriesContext(connection) as again:
        [r.cells for r in heat.rows[:50]]
    assert len(again) == 0
    for group in ("team", "level", "family"):
        grouped = heatmap(cycle, group_by=group)
        with CaptureQueriesContext(connection) as page:
            [r.cells for r in grouped.rows[:50]]
        assert len(page) == 1
        members = sum(c.people for r in grouped.rows for c in r.cells[:1])
        assert members == sum(r.cells[0].people for r in heatmap(cycle).rows)
