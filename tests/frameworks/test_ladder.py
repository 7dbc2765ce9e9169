"""Each person's ladder: where they are, the next step on each track, carried-over cells,
who may see whose ladder, and the PDF."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from frameworks.models import Level
from frameworks.selectors import build_matrix, ladder_for, next_levels
from frameworks.services import publish_draft, start_draft
from people.services import update_person
from tests import factories
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db


def place(world, person, version, code):
    level = Level.objects.get(version=version, code=code)
    factories.place(person, level, actor=world.hr)
    person.refresh_from_db()
    return level


def my_ladder_text(world, version, code):
    """Emma's "My ladder" page once she is on `code`, its white space folded."""
    place(world, world.p_employee, version, code)
    response = world.client_for(world.employee).get(reverse("frameworks:my_ladder"))
    return re.sub(r"\s+", " ", response.content.decode())


def codes(levels):
    return [lv.code for lv in levels]


def test_next_levels_follow_the_tracks(v1):
    levels = list(Level.objects.filter(version=v1))
    by_code = {lv.code: lv for lv in levels}
    assert codes(next_levels(by_code["PM1"], levels)) == ["PM2"]
    # the top of the shared trunk: both the IC and the Manager step
    assert codes(next_levels(by_code["PM3"], levels)) == ["PM4", "GPM"]
    assert codes(next_levels(by_code["PM4"], levels)) == []
    assert codes(next_levels(by_code["GPM"], levels)) == []


def test_matrix_columns_and_carry_over(v1):
    matrix = build_matrix(v1)
    assert codes(matrix.levels) == ["PM1", "PM2", "PM3", "PM4", "GPM"]
    assert [(t.label, t.span) for t in matrix.tracks] == [
        ("Shared", 3),
        ("IC track", 1),
        ("Manager track", 1),
    ]
    assert [g.name for g in matrix.groups] == ["Product craft", "Leadership"]
    comm = matrix.row_for(matrix.groups[1].rows[0].competency.uid)
    cells = {c.level.code: c for c in comm.cells}
    assert [s.text for s in cells["PM2"].statements] == ["Writes a weekly update for the team."]
    # PM3, PM4 and GPM add nothing: PM2's statement carries over, on both tracks
    for code in ("PM3", "PM4", "GPM"):
        assert cells[code].is_empty
        assert cells[code].carried_from.code == "PM2"
    prio = {c.level.code: c for c in matrix.groups[0].rows[0].cells}
    assert prio["PM2"].carried_from.code == "PM1"


def test_ladder_on_the_trunk_shows_both_next_steps(world, v1):
    place(world, world.p_employee, v1, "PM3")
    ladder = ladder_for(world.p_employee)
    assert ladder.level.code == "PM3"
    assert [s.level.code for s in ladder.next_steps] == ["PM4", "GPM"]
    ic = ladder.next_steps[0]
    assert [c.competency.name for c in ic.changes] == ["Prioritization"]
    change = ic.changes[0]
    assert [s.text for s in change.before] == [
        "Ranks the product area roadmap with a documented method."
    ]
    assert [s.text for s in change.after] == ["Sets the prioritization method for a product line."]


def test_ladder_follows_the_latest_published_version(world, v1):
    place(world, world.p_employee, v1, "PM1")
    draft = start_draft(v1.family, actor=world.hr)
    Level.objects.filter(version=draft, code="PM2").update(title="Product Manager II")
    v2 = publish_draft(draft, actor=world.hr, note="v2")
    world.p_employee.refresh_from_db()
    ladder = ladder_for(world.p_employee)
    assert ladder.version == v2
    assert ladder.next_steps[0].level.title == "Product Manager II"


def test_employee_sees_own_ladder_and_next_step(world, v1):
    text = my_ladder_text(world, v1, "PM1")
    assert "Where you are" in text and "Associate PM" in text
    assert "Next step" in text and "What changes from PM1 to PM2" in text
    assert "Writes a weekly update for the team." in text
    assert "Carries over from PM1" in text  # an empty cell shows what carries over
    assert "You are here" in text


def test_friendly_empty_states(world, acme_scope):
    client = world.client_for(world.employee)
    assert b"You are not on a ladder yet" in client.get(reverse("frameworks:my_ladder")).content
    draft = load(world.acme, small_family(), actor=world.hr)
    update_person(world.p_employee, actor=world.hr, expected_revision=None, job_family=draft.family)
    assert b"is not published yet" in client.get(reverse("frameworks:my_ladder")).content


def test_who_may_see_whose_ladder(world, v1):
    place(world, world.p_employee, v1, "PM2")
    place(world, world.p_manager, v1, "GPM")
    emma = reverse("frameworks:person_ladder", args=[world.p_employee.public_id])
    max_ = reverse("frameworks:person_ladder", args=[world.p_manager.public_id])
    # Max manages Emma; HR sees everyone; Emma cannot see her manager's ladder
    assert world.client_for(world.manager).get(emma).status_code == 200
    assert world.client_for(world.hr).get(max_).status_code == 200
    assert world.client_for(world.employee).get(max_).status_code == 404
    assert b"Emma Employee" in world.client_for(world.manager).get(emma).content


def test_ladder_pdf(world, v1):
    place(world, world.p_employee, v1, "PM3")
    url = reverse("frameworks:ladder_pdf", args=[world.p_employee.public_id])
    response = world.client_for(world.manager).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "emma-employee-ladder.pdf" in response["Content-Disposition"]
    assert (
        world.client_for(world.employee)
        .get(reverse("frameworks:ladder_pdf", args=[world.p_manager.public_id]))
        .status_code
        == 404
    )


def test_ladder_query_count(world, acme_scope, django_assert_max_num_queries):
    from tests.framework_fixtures import big_family

    version = load(world.acme, big_family(), actor=world.hr, publish=True)
    place(world, world.p_employee, version, "L3")
    client = world.client_for(world.employee)
    client.get(reverse("frameworks:my_ladder"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("frameworks:my_ladder"))
    assert response.content.count(b'<td id="cell-') == 240


def test_at_the_split_the_page_shows_both_tracks(world, v1):
    text = my_ladder_text(world, v1, "PM3")
    assert "Next step on the IC track" in text and "Next step on the Manager track" in text
    assert "What changes from PM3 to PM4" in text and "What changes from PM3 to GPM" in text
    assert reverse("frameworks:guide", args=["ic-or-manager"]) in text
