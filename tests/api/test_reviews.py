"""Review cycles through the API: create, launch, answer with revisions, submit (then
immutable), calibrate with a reason, release; the pages' rules on who sees what."""

from __future__ import annotations

from typing import Any

import pytest

from organizations.scoping import scope
from reviews.models import ReviewCycle, ReviewForm
from tests.api.test_basics import assert_problem
from tests.reviews.factories import team

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(world):
    with scope(world.acme):
        return team(world)


def _items(client, form_id: str) -> list[dict[str, Any]]:
    return client.get(f"forms/{form_id}").json()["items"]


def answer_all(client, form_id: str, rating: int) -> dict[str, Any]:
    form = client.get(f"forms/{form_id}").json()
    answers = [{"statement": i["statement"], "rating": rating} for i in form["items"]]
    response = client.patch(f"forms/{form_id}", {"revision": form["revision"], "answers": answers})
    assert response.status_code == 200, response.content
    return response.json()


def my_form(client, cycle_id: str, kind: str) -> dict[str, Any]:
    me = client.get("me").json()["person"]
    forms = client.get(f"cycles/{cycle_id}/forms").json()["items"]
    return next(f for f in forms if f["kind"] == kind and f["reviewer"] == me)


def new_cycle(hr, t, **extra) -> dict[str, Any]:
    body = {
        "name": "2026 mid-year",
        "participants": [t.emma.public_id],
        "inputs": {"self": True, "manager": True, "peers": 0},
        "deadlines": {"self": "2026-06-01", "manager": "2026-06-15"},
        **extra,
    }
    response = hr.post("cycles", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_the_cycle_loop_through_the_api(world, t, api_for):
    hr, emma, max_ = api_for("hr"), api_for("employee"), api_for("manager")
    cycle = new_cycle(hr, t)
    assert cycle["status"] == "draft" and cycle["participants"] == 1
    assert cycle["deadlines"]["self"] == "2026-06-01"
    assert_problem(emma.get(f"cycles/{cycle['id']}"), 404)  # not launched: HR only
    launched = hr.post(f"cycles/{cycle['id']}/launch", {"revision": cycle["revision"]}).json()
    assert launched["status"] == "open" and launched["completion"]["total"] == 2

    own = my_form(emma, cycle["id"], "self")
    assert own["reviewee"] == t.emma.public_id and own["status"] == "not_started"
    items = _items(emma, own["id"])
    assert items and all(i["rating"] is None and i["statement"] for i in items)
    done = answer_all(emma, own["id"], 4)
    assert done["status"] == "in_progress" and done["revision"] == own["revision"] + 1
    submitted = emma.post(f"forms/{own['id']}/submit", {"revision": done["revision"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    late = emma.patch(
        f"forms/{own['id']}",
        {
            "revision": submitted.json()["revision"],
            "answers": [{"statement": items[0]["statement"], "rating": 1}],
        },
    )
    assert_problem(late, 409)

    managers = my_form(max_, cycle["id"], "manager")
    answer_all(max_, managers["id"], 3)
    rev = max_.get(f"forms/{managers['id']}").json()["revision"]
    assert max_.post(f"forms/{managers['id']}/submit", {"revision": rev}).status_code == 200
    assert max_.get(f"forms/{own['id']}").json()["items"][0]["rating"] == 4  # now visible

    detail = hr.get(f"cycles/{cycle['id']}").json()
    assert detail["completion"]["submitted"] == 2
    calibrating = hr.post(f"cycles/{cycle['id']}/calibrate", {"revision": detail["revision"]})
    assert calibrating.json()["status"] == "calibration"
    finals = hr.get(f"cycles/{cycle['id']}/final-ratings").json()["items"]
    assert finals and all(f["proposed"] == f["final"] == 3.0 for f in finals)
    target = finals[0]
    body = {"reviewee": t.emma.public_id, "competency": target["competency"], "rating": 4}
    no_reason = hr.patch(f"cycles/{cycle['id']}/final-ratings", {**body, "reason": " "})
    assert "reason" in {e["field"] for e in assert_problem(no_reason, 422)["errors"]}
    adjusted = hr.patch(
        f"cycles/{cycle['id']}/final-ratings", {**body, "reason": "Led the launch"}
    ).json()
    assert (adjusted["final"], adjusted["reason"]) == (4.0, "Led the launch")
    rev = hr.get(f"cycles/{cycle['id']}").json()["revision"]
    released = hr.post(f"cycles/{cycle['id']}/release", {"revision": rev}).json()
    assert released["status"] == "released"
    with scope(world.acme):
        assert ReviewCycle.objects.get(public_id=cycle["id"]).status == "released"


def test_stale_revisions_are_409_and_change_nothing(world, t, api_for):
    hr, emma = api_for("hr"), api_for("employee")
    cycle = new_cycle(hr, t)
    hr.post(f"cycles/{cycle['id']}/launch", {"revision": cycle["revision"]})
    assert_problem(hr.post(f"cycles/{cycle['id']}/calibrate", {"revision": 0}), 409)
    own = my_form(emma, cycle["id"], "self")
    first = answer_all(emma, own["id"], 2)
    stale = emma.patch(
        f"forms/{own['id']}",
        {
            "revision": own["revision"],
            "answers": [{"statement": first["items"][0]["statement"], "rating": 5}],
        },
    )
    assert_problem(stale, 409)
    assert emma.get(f"forms/{own['id']}").json()["items"][0]["rating"] == 2


def test_invalid_answers_name_the_statement(world, t, api_for):
    hr, emma = api_for("hr"), api_for("employee")
    cycle = new_cycle(hr, t)
    hr.post(f"cycles/{cycle['id']}/launch", {"revision": cycle["revision"]})
    own = my_form(emma, cycle["id"], "self")
    uid = _items(emma, own["id"])[0]["statement"]
    bad = emma.patch(
        f"forms/{own['id']}",
        {"revision": own["revision"], "answers": [{"statement": uid, "rating": 9}]},
    )
    assert f"answers.{uid}" in {e["field"] for e in assert_problem(bad, 422)["errors"]}
    incomplete = emma.post(f"forms/{own['id']}/submit", {"revision": own["revision"]})
    assert incomplete.status_code in (409, 422)


def test_peer_forms_never_name_their_reviewer_to_others(world, t, api_for):
    from tests.reviews.helpers import open_cycle

    with scope(world.acme):
        cycle = open_cycle(world, t)
        peer_form = ReviewForm.objects.filter(cycle=cycle, kind="peer").first()
    hr = api_for("hr")
    forms = hr.get(f"cycles/{cycle.public_id}/forms?limit=200").json()["items"]
    peers = [f for f in forms if f["kind"] == "peer"]
    assert len(peers) == 3 and all(f["reviewer"] is None for f in peers)
    assert_problem(hr.get(f"forms/{peer_form.public_id}"), 404)
    assert_problem(api_for("manager").get(f"forms/{peer_form.public_id}"), 404)


def test_create_cycle_problems(world, t, api_for):
    hr = api_for("hr")
    nobody = hr.post("cycles", {"name": "X", "participants": ["zzzzzzzzzzzz"]})
    assert "participants" in {e["field"] for e in assert_problem(nobody, 422)["errors"]}
    nothing = hr.post(
        "cycles", {"name": "X", "inputs": {"self": False, "manager": False, "peers": 0}}
    )
    assert "inputs" in {e["field"] for e in assert_problem(nothing, 422)["errors"]}
    assert_problem(api_for("manager").post("cycles", {"name": "X"}), 403)


def test_cycle_and_form_lists_keep_their_query_count(
    world, t, api_for, django_assert_max_num_queries
):
    from tests.factories import make_people
    from tests.reviews.helpers import open_cycle

    hr = api_for("hr")
    with scope(world.acme):
        small = open_cycle(world, t, inputs={"self": True, "manager": True, "peers": 0})
    # 36: each request also counts itself in the shared (database) rate-limit cache (8 queries)
    with django_assert_max_num_queries(36) as few:
        hr.get(f"cycles/{small.public_id}/forms?limit=200")
        hr.get("cycles")
    with scope(world.acme):
        people = make_people(
            world,
            15,
            actor=world.hr,
            name="P{}",
            manager=t.max,
            job_family=t.family,
            level=t.levels["PM2"],
        )
        for _ in range(3):
            open_cycle(world, t, people=people, inputs={"self": True, "manager": True, "peers": 0})
    with scope(world.acme):
        newest = ReviewCycle.objects.order_by("-pk").first()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert hr.get(f"cycles/{newest.public_id}/forms?limit=200").json()["count"] == 30
        assert hr.get("cycles").json()["count"] == 4
