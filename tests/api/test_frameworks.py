"""/frameworks through the API: families, a version with uids and next levels, the
Master Template import (dry run, errors, apply) and export."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from frameworks.models import FrameworkVersion, JobFamily
from organizations.scoping import scope
from people.models import Person
from spreadsheets.writer import blank_template
from tests.api.test_basics import assert_problem
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def pm(world):
    with scope(world.acme):
        return load(world.acme, small_family(), actor=world.owner, publish=True).family


def test_families_list_with_versions(world, api_for, pm):
    body = api_for("hr").get("frameworks").json()
    assert body["count"] == 1
    family = body["items"][0]
    assert (family["key"], family["published_version"], family["has_draft"]) == (pm.key, 1, False)


def test_members_cannot_list_families_403(world, api_for, pm):
    assert_problem(api_for("employee").get("frameworks"), 403)


def test_a_version_has_levels_with_next_and_uids(world, api_for, pm):
    body = api_for("hr").get(f"frameworks/{pm.key}/versions/1").json()
    levels = {lv["code"]: lv for lv in body["levels"]}
    assert levels["PM1"]["next"] == ["PM2"]
    assert sorted(levels["PM3"]["next"]) == ["GPM", "PM4"]  # the split
    assert levels["PM4"]["next"] == [] and levels["PM4"]["track"] == "ic"
    assert levels["PM1"]["key_question"] == "How do I ship?"
    comps = {c["name"]: c for c in body["competencies"]}
    assert comps["Prioritization"]["category"] == "Product craft"
    st = next(s for s in body["statements"] if s["level"] == "GPM")
    assert st["competency"] == comps["Prioritization"]["uid"] and st["evidence"] == ["360_input"]
    assert all(s["uid"] for s in body["statements"])


def test_an_employee_reads_only_their_familys_published_version(world, api_for, pm):
    client = api_for("employee")
    assert_problem(client.get(f"frameworks/{pm.key}/versions/1"), 404)
    with scope(world.acme):
        from people.services import update_person

        update_person(world.p_employee, actor=world.hr, expected_revision=None, job_family=pm)
    assert client.get(f"frameworks/{pm.key}/versions/1").status_code == 200
    assert_problem(client.get(f"frameworks/{pm.key}/versions/2"), 404)


def test_publish_a_draft_with_a_note(world, api_for, pm):
    from frameworks.services import start_draft

    client = api_for("hr")
    assert_problem(client.post(f"frameworks/{pm.key}/publish", {"note": "x"}), 409)
    with scope(world.acme):
        draft = start_draft(pm, actor=world.hr)
    stale = client.post(f"frameworks/{pm.key}/publish", {"note": "v2", "revision": 99})
    assert_problem(stale, 409)
    assert_problem(client.post(f"frameworks/{pm.key}/publish", {"note": " "}), 422)
    body = client.post(
        f"frameworks/{pm.key}/publish", {"note": "Clearer PM3", "revision": draft.revision}
    ).json()
    assert (body["number"], body["status"], body["note"]) == (2, "published", "Clearer PM3")


def _upload(client, data: bytes, *, dry_run: bool) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.client.post(
        "/api/v1/frameworks/import",
        {"file": SimpleUploadedFile("ladder.xlsx", data, XLSX), "dry_run": dry_run},
        headers=client.headers,
    )


def _counts(org) -> tuple[int, int, int]:
    with scope(org):
        return JobFamily.objects.count(), FrameworkVersion.objects.count(), Person.objects.count()


def test_import_dry_run_previews_and_changes_nothing_then_applies(world, api_for):
    client = api_for("hr")
    before = _counts(world.acme)
    response = _upload(client, blank_template(), dry_run=True)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready" and body["dry_run"] is True
    assert body["preview"]["totals"]["families"] >= 1
    assert _counts(world.acme) == before
    applied = client.post(f"frameworks/imports/{body['id']}/confirm")
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "done"
    assert _counts(world.acme)[1] > before[1]


def test_import_applies_at_once_without_dry_run(world, api_for):
    before = _counts(world.acme)
    response = _upload(api_for("hr"), blank_template(), dry_run=False)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert _counts(world.acme)[0] > before[0]


def test_import_errors_are_every_problem_as_422(world, api_for):
    book = openpyxl.load_workbook(io.BytesIO(blank_template()))
    book["Levels"]["D2"] = "Sideways"
    book["Levels"]["E3"] = "two"
    buf = io.BytesIO()
    book.save(buf)
    before = _counts(world.acme)
    problem = assert_problem(_upload(api_for("hr"), buf.getvalue(), dry_run=True), 422)
    fields = {e["field"] for e in problem["errors"]}
    assert {"Levels, row 2, Track", "Levels, row 3, Rank"} <= fields
    assert any("Sideways" in e["message"] for e in problem["errors"])
    assert _counts(world.acme) == before


def test_import_refuses_a_file_that_is_not_a_workbook(world, api_for):
    problem = assert_problem(_upload(api_for("hr"), b"not a zip", dry_run=True), 422)
    assert problem["errors"]


def test_import_without_a_file_is_422(world, api_for):
    client = api_for("hr")
    response = client.client.post("/api/v1/frameworks/import", {}, headers=client.headers)
    assert "file" in {e["field"] for e in assert_problem(response, 422)["errors"]}


def test_export_is_the_master_template(world, api_for, pm):
    response = api_for("hr", write=False).get(f"frameworks/export?family={pm.key}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Levels" in book.sheetnames
    assert_problem(api_for("hr").get("frameworks/export?family=nope"), 404)
    assert_problem(api_for("manager").get("frameworks/export"), 403)
