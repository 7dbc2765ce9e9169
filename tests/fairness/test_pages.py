"""The fairness pages: HR admins and owners only; the analysis of a biased set of past
decisions flags the group and suppresses the small one; the CSV export; questions and
uploads through the pages; a person's own voluntary answers; and the promotion, review
and calibration pages never read volunteered answers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from fairness import services
from fairness.demo import past_decisions_csv
from fairness.models import DemographicAnswer, DemographicAttribute, reading_demographics
from organizations.scoping import scope

pytestmark = pytest.mark.django_db


def upload_biased(world):
    """HR uploads the demo's past decisions, which favour men (`fairness.demo`)."""
    with scope(world.acme):
        services.upload_past_decisions(
            world.acme,
            actor=world.hr,
            filename="before.csv",
            data=past_decisions_csv(2026),
            default_attribute="Gender",
        )


@pytest.fixture
def biased(world):
    upload_biased(world)


def test_only_hr_and_owners_see_the_analysis(world, biased):
    for user, status in [
        (world.owner, 200),
        (world.hr, 200),
        (world.manager, 403),
        (world.employee, 403),
    ]:
        for name in ("fairness:index", "fairness:export", "fairness:questions", "fairness:past"):
            assert world.client_for(user).get(reverse(name)).status_code == status, (name, user)
    outsider = world.client_for(world.outsider).get(reverse("fairness:index"))
    assert outsider.status_code == 200 and b"Woman" not in outsider.content


def test_the_page_flags_and_suppresses(world, biased):
    page = world.client_for(world.hr).get(reverse("fairness:index")).content.decode()
    assert "Flag for review" in page
    assert "0.700" in page and "0.600" in page and "0.420" in page
    assert "Two-proportion z-test, p = 0.0" in page
    assert "Not shown: fewer than 5 people." in page  # Non-binary, 4 people
    assert "cannot be worked out from the totals" in page  # and "Prefer not to say" with it
    assert "29 CFR 1607.4(D)" in page and "Fisher’s exact test" in page
    assert "never a finding of discrimination" in page


def test_the_csv_has_the_same_figures(world, biased):
    response = world.client_for(world.hr).get(reverse("fairness:export"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    woman = next(r for r in rows if r["group"] == "Woman")
    assert woman["rate"] == "0.420" and woman["impact_ratio"] == "0.700"
    assert woman["flag_for_review"] == "yes" and woman["test"] == "Two-proportion z-test"
    small = next(r for r in rows if r["group"] == "Non-binary")
    assert small["considered"] == "" and small["rate"] == "" and small["suppressed"]


def test_questions_and_uploads_through_the_pages(world):
    hr = world.client_for(world.hr)
    bad = hr.post(reverse("fairness:questions"), {"name": "Gender", "options": "Only one"})
    assert b"Offer at least two answers" in bad.content
    hr.post(reverse("fairness:questions"), {"name": "Gender", "options": "Woman\nMan"})
    with scope(world.acme):
        assert DemographicAttribute.objects.get().options == ["Woman", "Man"]
    refused = hr.post(
        reverse("fairness:past"),
        {
            "attribute": "Gender",
            "file": io.BytesIO(b"email,group,promoted\nnot-an-email,Woman,maybe\n"),
        },
    )
    assert b"Row 2" in refused.content and b"Nothing was stored" in refused.content


def test_a_person_volunteers_their_own_answers(world):
    with scope(world.acme):
        q = services.create_attribute(
            world.acme, actor=world.hr, name="Age band", options=["Under 30", "30 and over"]
        )
    emma = world.client_for(world.employee)
    page = emma.get(reverse("fairness:mine"))
    assert b"Prefer not to say" in page.content and b"Age band" in page.content
    emma.post(reverse("fairness:mine"), {f"q-{q.public_id}": "Under 30"})
    with scope(world.acme), reading_demographics("self"):
        assert DemographicAnswer.objects.get(person=world.p_employee).value == "Under 30"
    # withdrawing removes it
    emma.post(reverse("fairness:mine"), {f"q-{q.public_id}": ""})
    with scope(world.acme), reading_demographics("self"):
        assert not DemographicAnswer.objects.filter(person=world.p_employee).exists()


def test_the_fairness_forms_answer_with_the_error_summary_not_the_browsers_bubble(world):
    """Sent empty, each form comes back with the error summary linking to the field, the
    field's error, and what was typed; the browser's own bubble never stops it first."""
    hr = world.client_for(world.hr)
    with scope(world.acme):
        q = services.create_attribute(
            world.acme, actor=world.hr, name="Gender", options=["Woman", "Man"]
        )
    pages = [
        reverse("fairness:questions"),
        reverse("fairness:question", args=[q.public_id]),
        reverse("fairness:past"),
    ]
    for url in pages:
        page = hr.get(url).content.decode()
        form = next(f for f in page.split("<form")[1:] if 'class="form' in f.split(">")[0])
        assert " novalidate" in form.split(">")[0], url

    asked = hr.post(pages[0], {"name": "", "options": "Woman\nMan"}).content.decode()
    assert 'class="error-summary"' in asked and 'href="#name"' in asked
    assert "Woman\nMan</textarea>" in asked
    changed = hr.post(
        pages[1], {"revision": q.revision, "name": " ", "options": "Woman\nMan\nOther"}
    ).content.decode()
    assert 'class="error-summary"' in changed and "Woman\nMan\nOther</textarea>" in changed
    assert 'id="is_active" name="is_active">' in changed  # unticked, as sent

    past = hr.post(pages[2], {"attribute": "Gender"}).content.decode()
    assert 'href="#file-field"' in past and 'id="file-field"' in past
    assert '<span class="error-message">Choose a CSV file to upload.</span>' in past
    assert 'value="Gender"' in past
    assert "There is a problem" in past and "Correct the rows" not in past  # no file was read
    no_attribute = hr.post(
        pages[2], {"attribute": "", "file": io.BytesIO(b"email,group,promoted\n")}
    ).content.decode()
    assert 'href="#attribute-field"' in no_attribute and 'id="attribute-field"' in no_attribute
