"""/people through the API: the directory's rules (who sees whom, revisions, levels)."""

from __future__ import annotations

import pytest

from organizations.models import AuditEntry
from organizations.scoping import scope
from people.models import Person
from tests.api.test_basics import assert_problem
from tests.factories import make_people
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(world):
    with scope(world.acme):
        version = load(world.acme, small_family(), actor=world.owner, publish=True)
        return version.family


def ids(response) -> set[str]:
    return {p["id"] for p in response.json()["items"]}


def test_each_role_lists_whom_the_pages_show(world, api_for):
    everyone = {world.p_owner, world.p_hr, world.p_manager, world.p_employee}
    assert ids(api_for("owner").get("people")) == {p.public_id for p in everyone}
    assert ids(api_for("hr").get("people")) == {p.public_id for p in everyone}
    mine = {world.p_manager.public_id, world.p_employee.public_id}
    assert ids(api_for("manager").get("people")) == mine
    assert ids(api_for("employee").get("people")) == {world.p_employee.public_id}
    assert ids(api_for("outsider").get("people")) == {world.p_outsider.public_id}


def test_a_person_reads_with_the_contract_fields(world, api_for, pm):
    with scope(world.acme):
        from frameworks.models import Level

        level = Level.objects.get(code="PM2", version__family=pm)
        from people.services import update_person

        update_person(
            world.p_employee, actor=world.hr, expected_revision=None, job_family=pm, level=level
        )
    body = api_for("manager").get(f"people/{world.p_employee.public_id}").json()
    assert body["family"] == pm.key and body["level"] == "PM2"
    assert body["manager"] == world.p_manager.public_id
    assert body["active"] is True and isinstance(body["revision"], int)
    assert body["email"] == "emma@acme.test" and body["name"] == "Emma Employee"


def test_an_employee_cannot_read_a_colleague_it_is_404(world, api_for):
    assert_problem(api_for("employee").get(f"people/{world.p_manager.public_id}"), 404)


def test_hr_adds_a_person_placed_on_a_level(world, api_for, pm):
    body = {
        "name": "  Nia   New ",
        "email": "NIA@acme.test",
        "family": pm.key,
        "level": "PM3",
        "manager": world.p_manager.public_id,
        "start_date": "2026-01-05",
    }
    response = api_for("hr").post("people", body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["name"], out["email"], out["level"], out["family"]) == (
        "Nia New",
        "nia@acme.test",
        "PM3",
        pm.key,
    )
    assert out["start_date"] == "2026-01-05"
    with scope(world.acme):
        assert Person.objects.get(public_id=out["id"]).manager == world.p_manager


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "email": "emma@acme.test"}, "email"),
        ({"name": "X", "email": "x@acme.test", "family": "nope"}, "family"),
        ({"name": "X", "email": "x@acme.test", "level": "PM3"}, "level"),
        ({"name": "X", "email": "x@acme.test", "manager": "zzzzzzzzzzzz"}, "manager"),
        ({"name": "   ", "email": "x@acme.test"}, "name"),
        ({"name": "X\x00", "email": "x@acme.test"}, "name"),
    ],
)
def test_invalid_people_name_the_field(world, api_for, pm, body, field):
    response = api_for("hr").post("people", body)
    problem = assert_problem(response, 422)
    assert field in {e["field"] for e in problem["errors"]}, problem


def test_members_cannot_add_or_change_people_403(world, api_for):
    client = api_for("manager")
    assert_problem(client.post("people", {"name": "X", "email": "x@acme.test"}), 403)
    emma = world.p_employee
    assert_problem(
        client.patch(f"people/{emma.public_id}", {"revision": emma.revision, "name": "Y"}), 403
    )


def test_patch_with_a_stale_revision_is_409_and_changes_nothing(world, api_for):
    client = api_for("hr")
    url = f"people/{world.p_employee.public_id}"
    revision = client.get(url).json()["revision"]
    first = client.patch(url, {"revision": revision, "title": "Analyst"})
    assert first.status_code == 200 and first.json()["revision"] == revision + 1
    stale = client.patch(url, {"revision": revision, "title": "Overwritten"})
    assert "Someone else changed" in assert_problem(stale, 409)["detail"]
    assert client.get(url).json()["title"] == "Analyst"


def test_patch_moves_a_level_with_history_and_deactivates(world, api_for, pm):
    client = api_for("hr")
    url = f"people/{world.p_employee.public_id}"
    revision = client.get(url).json()["revision"]
    moved = client.patch(
        url, {"revision": revision, "family": pm.key, "level": "PM2", "level_reason": "Hired"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["level"] == "PM2"
    with scope(world.acme):
        change = world.p_employee.level_history.first()
        assert (change.level_code, change.reason) == ("PM2", "Hired")
    off = client.patch(url, {"revision": moved.json()["revision"], "active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    with scope(world.acme):
        assert AuditEntry.objects.filter(action="person.deactivated").exists()


def test_a_manager_cannot_be_deactivated_while_managing(world, api_for):
    client = api_for("hr")
    url = f"people/{world.p_manager.public_id}"
    revision = client.get(url).json()["revision"]
    problem = assert_problem(client.patch(url, {"revision": revision, "active": False}), 422)
    assert "still manages" in problem["detail"]


def test_people_filters(world, api_for):
    client = api_for("hr")
    assert ids(client.get("people?email=EMMA@acme.test")) == {world.p_employee.public_id}
    assert ids(client.get(f"people?manager={world.p_manager.public_id}")) == {
        world.p_employee.public_id
    }
    assert client.get("people?active=false").json()["count"] == 0


def test_people_list_queries_do_not_grow(world, api_for, django_assert_max_num_queries):
    client = api_for("hr")
    # 16: four of them count the token's requests in the shared (database) rate-limit cache
    with django_assert_max_num_queries(16) as small:
        client.get("people?limit=200")
    with scope(world.acme):
        make_people(world, 40, actor=world.hr, name="P{}", manager=world.p_manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("people?limit=200").json()["items"]) == 44
