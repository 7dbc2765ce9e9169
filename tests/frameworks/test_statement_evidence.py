"""Evidence kinds belong to each statement, not to a cell (issue 8, fix 2): the editor
shows and saves them per statement, the matrix shows them on each statement, and the
Master Template carries them per statement both ways."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from frameworks.models import Statement
from frameworks.schema import StatementData
from spreadsheets.reader import read_workbook
from spreadsheets.validator import parse_workbook
from spreadsheets.writer import build_workbook
from tests.framework_fixtures import cell, small_family

pytestmark = pytest.mark.django_db


def test_the_editor_saves_evidence_per_statement(world, draft):
    comp, level = cell(draft)
    client = world.client_for(world.hr)
    url = reverse("frameworks:cell", args=[draft.family.public_id, comp.uid, level.uid])
    response = client.post(
        url,
        {
            "revision": draft.revision,
            "text": [
                "Ranks the product area roadmap with a documented method.",
                "Presents the ranking to the leadership team each quarter.",
                "",
            ],
            "evidence-0": ["decision_record"],
            "evidence-1": ["written_artifact", "360_input"],
            "evidence-2": ["metric"],  # a blank statement is left out, with its boxes
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    rows = list(
        Statement.objects.filter(version=draft, competency=comp, level=level).order_by("position")
    )
    assert [(st.text[:20], st.evidence) for st in rows] == [
        ("Ranks the product ar", ["decision_record"]),
        ("Presents the ranking", ["written_artifact", "360_input"]),
    ]
    # the row shows each statement's own chips
    body = response.content.decode()
    first = re.search(r"Ranks the product area roadmap.*?</li>", body, re.DOTALL).group(0)
    second = re.search(r"Presents the ranking.*?</li>", body, re.DOTALL).group(0)
    assert "Decision record" in first and "Written artifact" not in first
    assert "Written artifact" in second and "360 input" in second
    assert "Decision record" not in second


def test_the_cell_editor_shows_each_statements_evidence(world, draft):
    comp, level = cell(draft)
    url = reverse("frameworks:cell", args=[draft.family.public_id, comp.uid, level.uid])
    form = world.client_for(world.hr).get(url + "?edit=1").content.decode()
    # one box per statement and one blank box to add one
    assert form.count('name="text"') == 2
    assert re.search(r'name="evidence-0" value="decision_record"[^>]*checked', form)
    assert not re.search(r'name="evidence-1" value="decision_record"[^>]*checked', form)


def test_the_master_template_keeps_evidence_per_statement():
    data = small_family()
    data.competencies[0].statements["PM3"] = [
        StatementData("Ranks the product area roadmap.", ["decision_record"]),
        StatementData("Presents the ranking every quarter.", ["written_artifact", "metric"]),
    ]
    content = build_workbook([data], None)
    parsed = parse_workbook(read_workbook(content))
    assert parsed.ok, parsed.problems
    back = parsed.families[0].competencies[0].statements["PM3"]
    assert [(st.text, st.evidence) for st in back] == [
        ("Ranks the product area roadmap.", ["decision_record"]),
        ("Presents the ranking every quarter.", ["written_artifact", "metric"]),
    ]
