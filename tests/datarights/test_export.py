"""A person's export: everything about them, for HR or for themselves, as JSON and as a
workbook; what is left out says why; the download is audited; queries stay flat."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from datarights.export import person_export
from datarights.registry import Audience
from organizations.models import AuditEntry
from tests.datarights.factories import rich_emma

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(acme_scope, world):
    return rich_emma(world)


def _sections(export):
    return {s.label: s for s in export.sections}


def test_hr_export_holds_their_entry_reviews_plan_and_login_but_no_sealed_or_peer_data(rich, world):
    emma = rich.team.emma
    export = person_export(emma, Audience.HR)
    sections = _sections(export)
    for label in [
        "Directory entry", "Login", "Login e-mail addresses", "Memberships", "Level history",
        "Review participations", "Review forms", "Review answers", "Final ratings",
        "Action items", "Career conversations", "Promotion cases", "Promotion case statements",
        "API tokens", "Audit log",
    ]:  # fmt: skip
        assert label in sections, label
    assert sections["Directory entry"].rows[0]["name"] == "Emma Employee"
    assert "password" not in sections["Login"].rows[0]
    assert "digest" not in sections["API tokens"].rows[0]
    assert "Volunteered demographic answers" not in sections
    about_her = [r for r in sections["Review forms"].rows if r["reviewer"] != emma.name]
    assert {r["kind"] for r in about_her} == {"manager"}  # peers' feedback is anonymous
    left_out = {item["label"] for item in export.not_included}
    assert {"Volunteered demographic answers", "Review forms"} <= left_out


def test_self_export_holds_their_answers_but_not_hr_notes_or_the_case_file(rich):
    export = person_export(rich.team.emma, Audience.SELF)
    sections = _sections(export)
    assert sections["Volunteered demographic answers"].rows[0]["value"] == "Under 30"
    assert {"Review forms", "Action items", "Level history", "Login"} <= set(sections)
    for hidden in ["Audit log", "Career conversations", "Promotion cases"]:
        assert hidden not in sections
    assert {r["kind"] for r in sections["Review forms"].rows} == {"self", "manager"}


def test_hr_downloads_json_and_excel_from_the_person_page_and_it_is_audited(rich, world):
    emma = rich.team.emma
    client = world.client_for(world.hr)
    page = client.get(reverse("people:detail", args=[emma.public_id]))
    assert b"Personal data" in page.content
    response = client.get(reverse("datarights:person_export", args=[emma.public_id, "json"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="emma-employee-data-')
    assert json.loads(response.content)["about"]["email"] == emma.email
    xlsx = client.get(reverse("datarights:person_export", args=[emma.public_id, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "About" and "Review forms" in book.sheetnames
    bad = client.get(reverse("datarights:person_export", args=[emma.public_id, "csv"]))
    assert bad.status_code == 404
    entries = AuditEntry.objects.filter(action="person.data_exported", target_id=emma.public_id)
    assert sorted(e.data["format"] for e in entries) == ["json", "xlsx"]


def test_the_employee_downloads_their_own_from_your_data_and_no_one_elses(rich, world):
    client = world.client_for(world.employee)
    assert b"Download your data" in client.get(reverse("datarights:my_data")).content
    data = json.loads(client.get(reverse("datarights:my_export", args=["json"])).content)
    assert data["about"]["exported_for"] == "the person themselves"
    assert any(s["label"] == "Volunteered demographic answers" for s in data["sections"])
    other = client.get(reverse("datarights:person_export", args=[world.p_hr.public_id, "json"]))
    assert other.status_code == 403
    page = world.client_for(world.employee).get(reverse("people:me"))
    assert b"personal-data-heading" not in page.content


def test_export_queries_do_not_grow_with_the_organization(rich, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            person_export(rich.team.emma, Audience.HR)
        return len(ctx)

    before = count()
    from people.services import create_person

    for i in range(40):
        create_person(world.acme, actor=world.hr, name=f"Extra {i}", email=f"x{i}@acme.test")
    assert count() <= before
