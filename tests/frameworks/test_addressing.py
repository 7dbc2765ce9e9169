"""Issue 8, fix 10: a person's own pages ask *them* the key question ("Do you find and
rank the problems in your area…?"); others' pages keep the third person. Employees get
no Templates menu item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frameworks.addressing import to_you
from frameworks.library import load_template
from frameworks.models import Level
from frameworks.services import apply_family_data, publish_draft
from organizations.scoping import scope
from people.services import update_person

pytestmark = pytest.mark.django_db

THEY = "Do they find and rank the problems in their area without being told where to look?"
YOU = "Do you find and rank the problems in your area without being told where to look?"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (THEY, YOU),
        ("Can they explain it to themselves?", "Can you explain it to yourself?"),
        ("They’re trusted with theirs.", "You’re trusted with yours."),
        # first person: "I" becomes "you", "they" (other people) stays
        ("Do I know what they need from my team?", "Do you know what they need from your team?"),
        ("Am I trusted? I think so.", "Are you trusted? You think so."),
        ("Is the theme clear?", "Is the theme clear?"),  # words that merely contain "them"
        ("", ""),
    ],
)
def test_to_you(written, read):
    assert to_you(written) == read


def place_emma_on_pm(world):
    """Publish the Product Management template and place Emma on its level whose key
    question is `THEY`."""
    with scope(world.acme):
        draft = apply_family_data(
            world.acme, load_template("product-management"), actor=world.hr, source="template"
        )
        publish_draft(draft, actor=world.hr, note="v1", reason="Reviewed by the PM leads")
        level = Level.objects.get(version=draft, key_question=THEY)
        update_person(
            world.p_employee,
            actor=world.hr,
            expected_revision=None,
            job_family=draft.family,
            level=level,
        )
    return level


@pytest.fixture
def placed(world):
    return place_emma_on_pm(world)


def test_own_pages_ask_you_and_others_pages_ask_they(world, placed):
    employee = world.client_for(world.employee)
    for path in (reverse("frameworks:my_ladder"), reverse("dashboard")):
        body = employee.get(path).content.decode()
        assert YOU in body, path
        assert THEY not in body, path
    own_page = reverse("frameworks:person_ladder", args=[world.p_employee.public_id])
    assert YOU in employee.get(own_page).content.decode()
    # HR and the manager read about Emma, in the third person
    for user in (world.hr, world.manager):
        body = world.client_for(user).get(own_page).content.decode()
        assert THEY in body and YOU not in body


def test_employees_get_no_templates_menu_item(world):
    """Nor managers: the template library is for HR (tests/test_access_roles.py)."""
    library = f'href="{reverse("frameworks:library")}"'
    for user in (world.employee, world.manager):
        assert library not in world.client_for(user).get("/home/").content.decode()
    for user in (world.hr, world.owner):
        assert library in world.client_for(user).get("/home/").content.decode()
