"""Length limits on a framework's free text (issue 9, finding 6): a family's description,
a level's summary and key question, a competency's description, a version's note, and
how many statements a cell holds and how long each is. The same limits hold in the
editor's services and pages and in the Master Template import (tests/data's corpus), and
a refusal keeps what was typed and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frameworks import limits, services
from frameworks.errors import FrameworkError
from frameworks.models import JobFamily, Level, Statement
from tests.framework_fixtures import cell, write_cell

pytestmark = pytest.mark.django_db


def _statements(draft, comp, level):
    rows = Statement.objects.filter(version=draft, competency=comp, level=level)
    return list(rows.order_by("position").values_list("text", flat=True))


def _post_cell(world, draft, texts):
    comp, level = cell(draft)
    url = reverse("frameworks:cell", args=[draft.family.public_id, comp.uid, level.uid])
    return world.client_for(world.hr).post(
        url, {"revision": draft.revision, "text": texts}, headers={"HX-Request": "true"}
    )


def test_a_cell_of_too_many_statements_is_refused_and_kept_on_screen(world, draft):
    comp, level = cell(draft)
    before = _statements(draft, comp, level)
    texts = [f"Ranks request number {n} against the roadmap." for n in range(25)]
    response = _post_cell(world, draft, texts)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This cell has 25 statements; at most 20 fit." in page
    assert "Ranks request number 24 against the roadmap." in page  # nothing typed is lost
    assert _statements(draft, comp, level) == before


def test_a_statement_too_long_is_refused(world, draft):
    comp, level = cell(draft)
    before = _statements(draft, comp, level)
    page = _post_cell(world, draft, ["Ranks " + "the roadmap again and " * 40]).content.decode()
    assert "at most 600 fit" in page
    assert _statements(draft, comp, level) == before
    # at the limit is fine
    _post_cell(world, draft, ["R" * limits.STATEMENT])
    assert _statements(draft, comp, level) == ["R" * limits.STATEMENT]


def test_level_and_competency_texts_have_limits(world, draft):
    level = Level.objects.get(version=draft, code="PM3")
    comp, _ = cell(draft)
    with pytest.raises(FrameworkError, match="The summary is 1,001 characters long"):
        services.update_level(
            draft, level.uid, actor=world.hr, expected_revision=None, summary="s" * 1001
        )
    with pytest.raises(FrameworkError, match="The key question is 301 characters long"):
        services.update_level(
            draft, level.uid, actor=world.hr, expected_revision=None, key_question="q" * 301
        )
    with pytest.raises(FrameworkError, match="at most 1,000 fit"):
        services.update_competency(
            draft, comp.uid, actor=world.hr, expected_revision=None, description="d" * 1001
        )
    level.refresh_from_db()
    comp.refresh_from_db()
    assert len(level.summary) < 1001 and len(comp.description) < 1001


def test_the_editor_form_says_the_summary_is_too_long(world, draft):
    level = Level.objects.get(version=draft, code="PM3")
    url = reverse("frameworks:level_edit", args=[draft.family.public_id, level.uid])
    response = world.client_for(world.hr).post(
        url,
        {
            "revision": draft.revision,
            "code": level.code,
            "title": level.title,
            "track": level.track,
            "rank": level.rank,
            "scope": level.scope,
            "summary": "A summary pasted twice. " * 60,
            "key_question": level.key_question,
        },
    )
    assert response.status_code in (200, 400, 422)
    assert "at most 1000 characters" in response.content.decode()
    level.refresh_from_db()
    assert "pasted twice" not in level.summary


def test_family_description_and_version_note_have_limits(world, draft):
    with pytest.raises(FrameworkError, match="at most 2,000 fit"):
        services.create_family(world.acme, name="Data", actor=world.hr, description="x" * 2001)
    assert not JobFamily.objects.filter(name="Data").exists()
    with pytest.raises(FrameworkError, match="The note is 2,001 characters long"):
        services.publish_draft(draft, actor=world.hr, note="n" * 2001)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_same_statement_twice_in_a_cell_is_refused(world, draft):
    """Two lines that say the same (case, spacing and a final full stop aside) would become
    two statements that every review form asks twice."""
    comp, level = cell(draft)
    before = _statements(draft, comp, level)
    page = _post_cell(
        world, draft, ["Ranks requests against the roadmap.", "ranks requests  against the roadmap"]
    ).content.decode()
    assert "“Ranks requests against the roadmap.” is in this cell twice" in page
    assert "ranks requests  against the roadmap" in page  # what was typed stays on screen
    assert _statements(draft, comp, level) == before
    # one text of two lines, through the service
    with pytest.raises(FrameworkError, match="is in this cell twice"):
        write_cell(
            draft,
            comp.uid,
            level.uid,
            "Writes specs.\nWrites specs.",
            actor=world.hr,
            revision=None,
        )
    assert _statements(draft, comp, level) == before
