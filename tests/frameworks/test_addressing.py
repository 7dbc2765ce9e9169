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
from tests.factories import place

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
        place(world.p_employee, level, actor=world.hr)
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


def _pdf_text(response) -> str:
    import shutil
    import subprocess

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def test_the_pdf_of_ones_own_ladder_asks_you_as_the_page_does(world, placed, monkeypatch):
    """Emma's PDF of her own ladder reads like her page ("Do you…", "You are here"); the
    same PDF downloaded by HR or her manager keeps the third person."""
    from django.template.loader import render_to_string

    from people import views_ladder

    rendered: list[str] = []
    real = views_ladder.render_pdf

    def spy(template, context, *, request):
        rendered.append(render_to_string(template, context, request=request))
        return real(template, context, request=request)

    monkeypatch.setattr(views_ladder, "render_pdf", spy)
    url = reverse("frameworks:ladder_pdf", args=[world.p_employee.public_id])
    own = world.client_for(world.employee).get(url)
    assert YOU in rendered[-1] and THEY not in rendered[-1]
    assert "Where you are" in rendered[-1] and "You are here" in rendered[-1]
    for user in (world.hr, world.manager):
        world.client_for(user).get(url)
        assert THEY in rendered[-1] and YOU not in rendered[-1]
        assert "Emma Employee is here" in rendered[-1]
    text = _pdf_text(own)
    assert "Do you find and rank the problems in your area" in text
    assert "Do they find" not in text
