"""Gap reports and action items through the API: who sees a report, its order, and
action items with revisions and history."""

from __future__ import annotations

import datetime as dt

import pytest

from growth.models import ActionItemEvent
from organizations.scoping import scope
from reviews import services
from tests.api.test_basics import assert_problem
from tests.reviews.factories import team
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(world):
    """Emma's cycle, released: she rated herself 4s, Max rated her 2, 3 and 4."""
    with scope(world.acme):
        t = team(world)
        cycle = open_cycle(world, t, inputs={"self": True, "manager": True, "peers": 0})
        fill(form_of(cycle, "self"), world.employee, 4)
        fill(form_of(cycle, "manager"), world.manager, [2, 3, 4, 4, 4, 4][: _count(cycle)])
        services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
        cycle.refresh_from_db()
        services.finalize_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
        cycle.refresh_from_db()
        services.release_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
        cycle.refresh_from_db()
    return t, cycle


def _count(cycle) -> int:
    from reviews.models import FormItem

    return FormItem.objects.filter(form=form_of(cycle, "manager"), archived=False).count()


def test_the_gap_report_largest_gap_first(world, released, api_for):
    t, cycle = released
    body = api_for("employee").get(f"people/{t.emma.public_id}/gap-report").json()
    assert body["cycle"] == cycle.public_id and body["level"] == "PM2"
    gaps = [c["gap"] for c in body["competencies"] if c["gap"] is not None]
    assert gaps == sorted(gaps, key=lambda g: -float(g)) and gaps
    first = body["competencies"][0]
    assert {"uid", "name", "expected", "final", "self", "manager", "peers", "gap"} <= set(first)
    assert first["peers"] is None  # no peers in this cycle
    assert body["readiness"] and {"level", "ready", "figure", "rule"} <= set(body["readiness"][0])
    same = api_for("hr").get(f"people/{t.emma.public_id}/gap-report?cycle={cycle.public_id}")
    assert same.json() == body


def test_only_the_person_their_managers_and_hr_see_the_report(world, released, api_for):
    t, _cycle = released
    url = f"people/{t.emma.public_id}/gap-report"
    assert api_for("manager").get(url).status_code == 200
    assert api_for("owner").get(url).status_code == 200
    assert_problem(api_for("outsider").get(url), 404)
    assert_problem(api_for("employee").get(f"people/{t.max.public_id}/gap-report"), 404)


def test_add_and_complete_an_action_item_with_history(world, released, api_for):
    t, _cycle = released
    emma = api_for("employee")
    report = emma.get(f"people/{t.emma.public_id}/gap-report").json()
    competency = report["competencies"][0]["uid"]
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    created = emma.post(
        "action-items",
        {
            "person": t.emma.public_id,
            "competency": competency,
            "title": "Run a roadmap review",
            "due": due,
            "resource_kind": "stretch",
        },
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["status"], item["owner"], item["due"]) == ("open", t.emma.public_id, due)
    stale = emma.patch(
        f"action-items/{item['id']}", {"revision": item["revision"] + 5, "status": "done"}
    )
    assert_problem(stale, 409)
    done = emma.patch(
        f"action-items/{item['id']}",
        {"revision": item["revision"], "status": "done", "note": "Shipped"},
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api_for("manager").get(f"action-items/{item['id']}").json()["status"] == "done"
    with scope(world.acme):
        assert ActionItemEvent.objects.filter(item__public_id=item["id"], note="Shipped").exists()
    listed = api_for("hr").get(f"action-items?person={t.emma.public_id}&status=done").json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]


def test_action_item_problems(world, released, api_for):
    t, _cycle = released
    emma = api_for("employee")
    bad = emma.post(
        "action-items", {"person": t.emma.public_id, "competency": "zzzz", "title": " "}
    )
    fields = {e["field"] for e in assert_problem(bad, 422)["errors"]}
    assert {"competency", "title"} <= fields
    assert_problem(
        emma.post("action-items", {"person": t.max.public_id, "competency": "x", "title": "x"}),
        404,
    )
