"""The readiness list: growth's readiness rule (the same figure as the gap report), the
levels one step up on each track and across tracks above the split, who sees whom, the
filters, and a query count that does not grow with the number of people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from growth.selectors import gap_report
from people.services import update_person
from promotions.access import viewer_of
from promotions.selectors import candidate_for, readiness_list
from tests.growth.factories import readiness_rule
from tests.promotions.factories import NOT_READY, READY, reviewed
from tests.promotions.helpers import add_people

pytestmark = pytest.mark.django_db


def test_ready_person_with_the_figure_and_evidence(t, world):
    part = reviewed(world, t, READY)
    found = candidate_for(t.emma)
    assert found is not None and found.cycle == part.cycle
    targets = {x.level_code: x for x in found.targets}
    assert set(targets) == {"G3", "M3"}  # both tracks from the top of the trunk
    assert targets["G3"].ready and targets["G3"].readiness.figure == "5 of 5 statements, 100%"
    assert targets["M3"].ready and targets["M3"].readiness.figure == "3 of 3 statements, 100%"
    assert not targets["M3"].changes_track  # from the trunk: no track to change
    d3a = next(s for s in targets["G3"].readiness.statements if s.text.startswith("d3a"))
    assert found.notes[d3a.uid][0].comment == "Led the search rewrite end to end."


def test_the_figure_is_the_gap_reports(t, world):
    part = reviewed(world, t, NOT_READY)
    report = {r.level_code: r for r in gap_report(part).readiness}
    found = {x.level_code: x.readiness for x in candidate_for(t.emma).targets}
    for code in ("G3", "M3"):
        assert found[code].figure == report[code].figure
        assert found[code].ready == report[code].ready
    assert found["G3"].figure == "2 of 5 statements, 40%" and not found["G3"].ready


def test_the_organizations_rule_applies(t, world):
    reviewed(world, t, NOT_READY)
    readiness_rule(world, 40)
    g3 = candidate_for(t.emma).target(t.levels["G3"].uid)
    assert g3.ready and "at least 40%" in g3.readiness.words


def test_above_the_split_a_track_change_is_offered(t, world):
    update_person(world.p_employee, actor=world.owner, expected_revision=None, level=t.levels["G3"])
    world.p_employee.refresh_from_db()
    found = candidate_for(world.p_employee)
    targets = {x.level_code: x for x in found.targets}
    assert set(targets) == {"G4", "M4"}
    assert targets["M4"].changes_track and not targets["G4"].changes_track
    # no cycle rated them: not ready, and says why
    assert targets["M4"].readiness.figure == "Not rated in this cycle"
    assert not targets["M4"].ready


def test_a_cycle_on_another_level_says_nothing_about_this_one(t, world):
    reviewed(world, t, READY)
    update_person(world.p_employee, actor=world.owner, expected_revision=None, level=t.levels["G3"])
    world.p_employee.refresh_from_db()
    found = candidate_for(world.p_employee)
    assert found.cycle is None and not found.ready


def test_who_sees_whom(t, world):
    reviewed(world, t, READY)
    hr = readiness_list(world.acme, viewer_of(world.hr))
    assert [c.person for c in hr.candidates] == [t.emma]
    assert [c.person for c in readiness_list(world.acme, viewer_of(world.manager)).candidates] == [
        t.emma
    ]
    assert readiness_list(world.acme, viewer_of(world.employee)).candidates == []
    assert "80%" in hr.rule_words


def test_filters_and_everyone(t, world):
    reviewed(world, t, NOT_READY)
    viewer = viewer_of(world.hr)
    assert readiness_list(world.acme, viewer).candidates == []
    everyone = readiness_list(world.acme, viewer, everyone=True).candidates
    assert t.emma in [c.person for c in everyone] and t.max in [c.person for c in everyone]
    only_g2 = readiness_list(world.acme, viewer, everyone=True, level="G2").candidates
    assert [c.person for c in only_g2] == [t.emma]
    by_manager = readiness_list(
        world.acme, viewer, everyone=True, manager=t.max.public_id
    ).candidates
    assert [c.person for c in by_manager] == [t.emma]
    other = readiness_list(world.acme, viewer, everyone=True, family="nosuchfamily").candidates
    assert other == []
    fam = readiness_list(world.acme, viewer, everyone=True, family=t.family.public_id).candidates
    assert {c.person for c in fam} == {t.emma, t.max}


def test_query_count_does_not_grow_with_people(t, world):
    reviewed(world, t, READY)
    add_people(world, t, 2, 0, "G2")
    with CaptureQueriesContext(connection) as small:
        readiness_list(world.acme, viewer_of(world.hr), everyone=True)
    add_people(world, t, 12, 2, "G3")
    with CaptureQueriesContext(connection) as large:
        result = readiness_list(world.acme, viewer_of(world.hr), everyone=True)
    assert len(result.candidates) == 16  # Emma, Max and the 14 extra people
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_rule_is_worded_from_the_first_page_and_deactivated_people_leave_the_list(t, world):
    """The rule's wording takes the first row's scale from the first page once it is read
    (no query of its own), and the stored rows are joined to the people who are active."""
    reviewed(world, t, READY)
    listed = readiness_list(world.acme, viewer_of(world.hr), everyone=True)
    first_page = listed.candidates[0:50]
    with CaptureQueriesContext(connection) as wording:
        words = listed.rule_words
    assert len(wording.captured_queries) == 0
    assert words == readiness_list(world.acme, viewer_of(world.hr)).rule_words
    assert "80%" in words and t.emma in [c.person for c in first_page]
    t.emma.is_active = False
    t.emma.save(update_fields=["is_active"])
    assert t.emma not in [
        c.person for c in readiness_list(world.acme, viewer_of(world.hr), everyone=True).candidates
    ]
    assert readiness_list(world.acme, viewer_of(world.manager)).candidates == []
