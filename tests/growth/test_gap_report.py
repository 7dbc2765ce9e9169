"""The gap report's arithmetic on hand-computed cases: competency means, gaps and their
order, peers only at the threshold, readiness figures, the operating level, the trend
across cycles and what happened to the plan between them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from growth import services
from growth.models import ActionItem, Rater
from growth.selectors import gap_report
from growth.selectors.rules import ReadinessRule
from reviews.selectors import StatementRatings
from tests.growth.factories import growth_team, readiness_rule, run_cycle

pytestmark = pytest.mark.django_db

D = Decimal

# Manager: Delivery (2, 3) → 2.50; Communication (4, 5) → 4.50; Craft (3) → 3.00.
# Next level G3: d3a 3, d3b 4, d3c 2, c3a 3, k3 5 → 4 of 5 at 3+ (80%): ready.
# Next level M3: dm3 3, cm3a 2, cm3b 1 → 1 of 3 (33%): not ready.
MANAGER = {
    "d2a": 2, "d2b": 3, "c2a": 4, "c2b": 5, "k1": 3,
    "d3a": 3, "d3b": 4, "d3c": 2, "c3a": 3, "k3": 5,
    "dm3": 3, "cm3a": 2, "cm3b": 1,
}  # fmt: skip
SELF = {"d2a": 3, "d2b": 3, "c2a": 3, "c2b": 4, "k1": 2}
# peers' competency means: Delivery 3, 4, 2 → 3.00; Communication 3, 4, 3 → 3.33;
# Craft 3, 4, 4 → 3.67
PEERS = [
    {},
    {"d2a": 4, "d2b": 4, "c2a": 4, "c2b": 4, "k1": 4},
    {"d2a": 2, "d2b": 2, "c2a": 3, "c2b": 3, "k1": 4},
]


@pytest.fixture
def t(acme_scope, world):
    return growth_team(world)


def first_cycle(world, t, **kw):
    kw.setdefault("peers", PEERS)
    return run_cycle(
        world,
        t,
        name="2026 H1",
        manager=MANAGER,
        self_ratings=SELF,
        adjust={"Craft": (2, "Two outages traced to untested code.")},
        comments={"d2a": "Two features slipped by a sprint."},
        **kw,
    )


def test_ratings_gaps_and_their_order(t, world):
    report = gap_report(first_cycle(world, t))
    got = {c.name: c for c in report.competencies}
    assert report.expected == D(3)
    assert [(c.name, c.gap) for c in report.competencies] == [
        ("Craft", D("1.00")),  # calibrated from 3 to 2: the largest gap first
        ("Delivery", D("0.50")),
        ("Communication", D("-1.50")),
    ]
    assert (got["Delivery"].self, got["Delivery"].manager, got["Delivery"].final) == (
        D("3.00"),
        D("2.50"),
        D("2.50"),
    )
    assert got["Communication"].self == D("3.50")
    assert got["Craft"].self == D("2.00") and got["Craft"].manager == D("3.00")
    assert got["Craft"].adjusted and got["Craft"].final_reason.startswith("Two outages")
    assert (got["Delivery"].peers, got["Communication"].peers, got["Craft"].peers) == (
        D("3.00"),
        D("3.33"),
        D("3.67"),
    )
    assert [c.name for c in report.gaps] == ["Craft", "Delivery"]
    assert [c.name for c in report.strengths] == ["Communication"]
    # the statements and comments behind a gap
    d2a = next(s for s in got["Delivery"].statements if s.text.startswith("d2a"))
    assert (d2a.manager.rating, d2a.self.rating) == (2, 3)
    assert d2a.manager.comment == "Two features slipped by a sprint."
    assert [s.text.split()[0] for s in got["Delivery"].statements] == ["d2a", "d2b"]


def test_peers_below_the_threshold_are_not_shown(t, world):
    report = gap_report(first_cycle(world, t, peers=PEERS[:2]))
    assert all(c.peers is None for c in report.competencies)
    assert not report.has_peers


def test_readiness_figures_and_the_operating_level(t, world):
    report = gap_report(first_cycle(world, t))
    g3, m3 = report.readiness
    assert (g3.level_code, g3.met, g3.total, g3.ready, g3.figure) == (
        "G3",
        4,
        5,
        True,
        "4 of 5 statements, 80%",
    )
    assert [s.text.split()[0] for s in g3.missing] == ["d3c"]
    assert (m3.level_code, m3.ready, m3.figure) == ("M3", False, "1 of 3 statements, 33%")
    assert [s.text.split()[0] for s in m3.missing] == ["cm3a", "cm3b"]
    assert g3.words == (
        "The manager rated at least 80% of G3 Senior Engineer’s statements 3 "
        "(“Consistently shows this”) or higher in this cycle."
    )
    # the highest level rated whose statements meet the rule: G3, above the title G2
    assert (report.operating.level_code, report.operating.differs) == ("G3", True)


def test_a_stricter_rule_changes_readiness_and_operating_level(t, world):
    readiness_rule(world, 90)
    report = gap_report(first_cycle(world, t))
    assert [r.ready for r in report.readiness] == [False, False]
    # at G2 the manager rated d2a 2: 4 of 5 (80%) < 90%, so below the title
    assert report.operating.below and report.operating.check.figure == "4 of 5 statements, 80%"


def test_when_self_ratings_count_too(t, world):
    readiness_rule(world, 80, rating=3, rater=Rater.MANAGER_AND_SELF)
    # the self-review rates next-level statements 3 by default: only d3c (manager 2) fails
    report = gap_report(first_cycle(world, t))
    assert report.readiness[0].figure == "4 of 5 statements, 80%"
    assert (
        report.readiness[0]
        .rule.describe()
        .startswith("Both the manager and the person themselves rated at least 80%")
    )


def test_readiness_not_assessed_when_the_cycle_skipped_the_next_level(t, world):
    report = gap_report(first_cycle(world, t, include_next_level=False))
    assert [(r.assessed, r.ready, r.figure) for r in report.readiness] == [
        (False, False, "No statements to rate at this level"),
        (False, False, "No statements to rate at this level"),
    ]
    assert report.operating.level_code == "G2" and not report.operating.differs


def _rows(*ratings):
    return [
        StatementRatings(f"s{n}", "c", "C", "L", "L2", "next", "x", {"manager": r})
        for n, r in enumerate(ratings)
    ]


def test_percent_never_rounds_across_the_line():
    rule = ReadinessRule(percent=67, rating=3)
    two_of_three = rule.check(_rows(3, 4, 1), level_uid="L", level_code="L2", level_title="")
    assert not two_of_three.ready and two_of_three.figure == "2 of 3 statements, 66.7%"
    assert (
        ReadinessRule(percent=66, rating=3)
        .check(_rows(3, 4, 1), level_uid="L", level_code="L2", level_title="")
        .figure
        == "2 of 3 statements, 67%"
    )
    seventeen = rule.check(
        _rows(*[3] * 17, 1, 2, None), level_uid="L", level_code="", level_title=""
    )
    assert (seventeen.met, seventeen.total, seventeen.percent_label) == (17, 20, "85%")
    # 1,999 of 2,500 is 79.96%: shown as 79.9%, never as 80% beside "not ready"
    almost = ReadinessRule(percent=80, rating=3).check(
        _rows(*[3] * 1999, *[1] * 501), level_uid="L", level_code="", level_title=""
    )
    assert not almost.ready and almost.percent_label == "79.9%"
    unrated = rule.check(_rows(None, None), level_uid="L", level_code="", level_title="")
    assert unrated.figure == "Not rated in this cycle" and not unrated.ready


def test_suggestions_follow_the_largest_gaps_and_their_lowest_statement(t, world):
    part = first_cycle(world, t)
    report = gap_report(part)
    assert [(s.competency_name, s.statement_text) for s in report.suggestions] == [
        ("Craft", "k1 Writes tested code."),
        ("Delivery", "d2a Ships features on time."),  # the manager rated d2a 2, d2b 3
    ]
    assert report.suggestions[1].title == "d2a Ships features on time"
    created = services.create_suggested_items(
        part, actor=world.employee, keys=[report.suggestions[0].key]
    )
    assert created[0].cycle_id == part.cycle_id and created[0].owner_id == t.emma.pk
    # a competency with a live item gets no second suggestion
    assert [s.competency_name for s in gap_report(part).suggestions] == ["Delivery"]


def test_the_next_report_shows_closed_gaps_completed_and_carried_items(t, world):
    first = first_cycle(world, t)
    report = gap_report(first)
    craft, delivery = services.create_suggested_items(
        first, actor=world.manager, keys=[s.key for s in report.suggestions]
    )
    services.set_item_status(
        craft, status=ActionItem.Status.DONE, actor=world.employee, expected_revision=0
    )
    # second cycle: Craft back at 3 (gap closed), Delivery unchanged at 2.5 (still open)
    second = run_cycle(world, t, name="2026 H2", manager=MANAGER, self_ratings=SELF)
    report = gap_report(second)
    assert [p.name for p in report.history] == ["2026 H1", "2026 H2"]
    trends = {tr.name: tr for tr in report.trends}
    assert [p.final for p in trends["Craft"].points] == [D("2.00"), D("3.00")]
    assert (trends["Craft"].direction, trends["Craft"].change, trends["Craft"].closed) == (
        "improved",
        D("1.00"),
        True,
    )
    assert [i.title for i in trends["Craft"].done_items] == [craft.title]
    assert (trends["Delivery"].direction, trends["Delivery"].still_open) == ("steady", True)
    assert [t.name for t in report.closed_gaps] == ["Craft"]
    assert [i.pk for i in report.items_completed] == [craft.pk]
    assert [i.pk for i in report.items_carried] == [delivery.pk]
    # the first report still reads as it did: one cycle of history, nothing before it
    first_again = gap_report(first)
    assert [p.name for p in first_again.history] == ["2026 H1"]
    assert first_again.previous is None and not first_again.since_previous


def test_report_queries_do_not_grow_with_cycles_or_items(t, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(part):
        part = type(part).objects.select_related("cycle", "person").get(pk=part.pk)
        with CaptureQueriesContext(connection) as ctx:
            report = gap_report(part)
            assert report.trends and report.readiness
        return len(ctx), len(report.history)

    first = run_cycle(world, t, name="c1", manager=MANAGER, peers=PEERS)
    one = count(first)
    last = first
    for n in range(2, 7):
        last = run_cycle(world, t, name=f"c{n}", manager=MANAGER)
        services.create_action_item(
            t.emma,
            actor=world.manager,
            competency_uid=gap_report(last).competencies[0].uid,
            title=f"Item {n}",
        )
    six = count(last)
    assert one[1] == 1 and six[1] == 6
    assert one[0] == six[0], f"{one[0]} queries for 1 cycle, {six[0]} for 6"


def test_suggested_titles_are_the_statements_first_clause():
    from growth.selectors.report import short_title

    assert (
        short_title(
            "Ranks the product area's backlog with a named, written method (RICE, impact "
            "against effort, or the company's own model), shares the scored list with "
            "engineering before planning, and explains the cut line."
        )
        == "Ranks the product area's backlog with a named, written method"
    )
    assert short_title("Writes clear tickets.") == "Writes clear tickets"
    assert short_title("Plans work; reviews it") == "Plans work"
    long = short_title("Explains " + "very " * 40 + "clearly")
    assert len(long) <= 90 and long.endswith("…")
