"""Volunteered demographic data (sealed: only the person and the analytics read it),
past decisions from a CSV, the analysis of decided cases, and the command."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from fairness import services
from fairness.models import (
    PREFER_NOT,
    DemographicAnswer,
    DemographicsSealed,
    PastDecision,
    reading_demographics,
)
from fairness.pastfile import read_past_decisions
from fairness.selectors import answers_for, fairness_analysis
from organizations.models import AuditEntry
from reviews.errors import NotAllowed
from tests.promotions.factories import READY, promotion_team, reviewed
from tests.promotions.helpers import case_in_review, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def gender(acme_scope, world):
    return services.create_attribute(
        world.acme, actor=world.hr, name="Gender", options=["Woman", "Man", "Non-binary"]
    )


def test_answers_are_sealed(gender, world):
    with pytest.raises(DemographicsSealed):
        list(DemographicAnswer.objects.all())
    with reading_demographics("self"):
        assert list(DemographicAnswer.objects.all()) == []
    with pytest.raises(ValueError):
        reading_demographics("promotions").__enter__()


def test_only_the_person_volunteers_their_answers(gender, world):
    with pytest.raises(NotAllowed):
        services.set_my_answers(
            world.p_employee, actor=world.hr, answers={gender.public_id: "Woman"}
        )
    services.set_my_answers(
        world.p_employee, actor=world.employee, answers={gender.public_id: "Woman"}
    )
    assert [a.value for a in answers_for(world.p_employee)] == ["Woman"]
    services.set_my_answers(
        world.p_employee, actor=world.employee, answers={gender.public_id: PREFER_NOT}
    )
    assert [a.value for a in answers_for(world.p_employee)] == [PREFER_NOT]
    services.set_my_answers(world.p_employee, actor=world.employee, answers={gender.public_id: ""})
    assert [a.value for a in answers_for(world.p_employee)] == [""]
    entries = AuditEntry.objects.filter(action="demographics.answers_changed")
    assert entries.count() == 3
    for entry in entries:  # the audit log records that, never what
        assert "Woman" not in json.dumps([entry.data, entry.changes])


def test_an_answer_must_be_offered(gender, world):
    with pytest.raises(services.FairnessError):
        services.set_my_answers(
            world.p_employee, actor=world.employee, answers={gender.public_id: "Robot"}
        )


def test_attributes_need_a_name_and_two_answers(acme_scope, world):
    with pytest.raises(services.FairnessError) as err:
        services.create_attribute(world.acme, actor=world.hr, name="", options=["Only one"])
    assert {f for f, _ in err.value.errors} == {"name", "options"}
    with pytest.raises(NotAllowed):
        services.create_attribute(world.acme, actor=world.manager, name="Age", options=["a", "b"])
    age = services.create_attribute(
        world.acme,
        actor=world.hr,
        name="Age band",
        options=["Under 30", "prefer not to say", "30+"],
    )
    assert age.choices == ["Under 30", "30+", PREFER_NOT]  # always offered, once


CSV = (
    "email,group,promoted,attribute,decision_date\n"
    "ann@old.test,Women,yes,Gender,2023-03-01\n"
    "bob@old.test,Men,no,,2023-03-01\n"
)


def test_past_file_rows_and_problems():
    parsed = read_past_decisions(CSV.encode(), default_attribute="Gender")
    assert parsed.ok and [r.promoted for r in parsed.rows] == [True, False]
    assert parsed.rows[1].attribute == "Gender"
    bad = read_past_decisions(
        b"email,group,promoted\nnot-an-email,,maybe\nx@y.test,A,yes\n", default_attribute="G"
    )
    assert not bad.ok
    assert bad.problems == [
        "Row 2: email “not-an-email” is not an e-mail address; group is empty; "
        "promoted must be yes or no (found “maybe”)."
    ]
    assert (
        "missing: promoted"
        in read_past_decisions(b"email,group\n", default_attribute="G").problems[0]
    )
    assert not read_past_decisions(b"\xff\xfe\x00", default_attribute="G").ok


def test_upload_is_all_or_nothing(acme_scope, world):
    with pytest.raises(services.FairnessError):
        services.upload_past_decisions(
            world.acme,
            actor=world.hr,
            filename="bad.csv",
            data=CSV.encode() + b"eve@old.test,Women,perhaps\n",
            default_attribute="Gender",
        )
    assert not PastDecision.objects.exists()
    upload = services.upload_past_decisions(
        world.acme,
        actor=world.hr,
        filename="old.csv",
        data=CSV.encode(),
        default_attribute="Gender",
    )
    assert upload.rows == 2 and PastDecision.objects.count() == 2
    services.remove_upload(upload, actor=world.hr)
    assert not PastDecision.objects.exists()


def test_decided_cases_are_analysed_with_volunteered_groups(acme_scope, world):
    t = promotion_team(world)
    gender = services.create_attribute(
        world.acme, actor=world.hr, name="Gender", options=["Woman", "Man"]
    )
    services.set_my_answers(t.emma, actor=world.employee, answers={gender.public_id: "Woman"})
    reviewed(world, t, READY)
    case = case_in_review(world, t)
    decide(case, world.hr, "approve", "Ready.", effective_date=case.created_at.date())
    analysis, sources = fairness_analysis()
    assert sources.cases == 1
    (row,) = analysis.groups
    assert (row.attribute, row.group, row.n, row.promoted) == ("Gender", "Woman", 1, 1)
    assert row.ratings and row.ratings[0] > 0  # the released cycle's mean final rating
    assert row.days and row.days[0] >= 0
    assert row.suppressed == "small"


def test_the_command_prints_the_analysis_and_json_last(acme_scope, world, tmp_path, capsys):
    lines = ["email,group,promoted,attribute"]
    for group, n, promoted, attribute in [
        ("A", 80, 48, "Gender"),
        ("B", 50, 21, "Gender"),
        ("Under 30", 25, 12, "Age band"),
        ("30 to 49", 30, 15, "Age band"),
        ("50 and over", 4, 1, "Age band"),
    ]:
        for i in range(n):
            flag = "yes" if i < promoted else "no"
            lines.append(f"{group.replace(' ', '')}{i}@old.test,{group},{flag},{attribute}")
    path = tmp_path / "past.csv"
    path.write_text("\n".join(lines) + "\n")
    call_command("promotion_fairness", "--org", "acme", "--csv", str(path))
    out = capsys.readouterr().out.strip().splitlines()
    assert any("FLAG FOR REVIEW" in line and line.strip().startswith("B ") for line in out)
    assert any("50 and over" in line and "suppressed (fewer than 5 people)" in line for line in out)
    groups = {(g["attribute"], g["group"]): g for g in json.loads(out[-1])["groups"]}
    b = groups[("Gender", "B")]
    assert (b["rate"], b["impact_ratio"], b["flag"], b["test"]) == (
        0.42,
        0.7,
        True,
        "two_proportion_z",
    )
    assert groups[("Gender", "A")]["rate"] == 0.6
    small = groups[("Age band", "50 and over")]
    assert small["suppressed"] and small["rate"] is None and small["p_value"] is None
    assert groups[("Age band", "Under 30")]["suppressed"]  # its complement
    assert not PastDecision.objects.exists()  # --csv is analysed, not stored
