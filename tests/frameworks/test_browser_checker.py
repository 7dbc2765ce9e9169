"""In Chromium, at 1280 and 390 px (issue 8): the editor shows the checker's flags on
each statement and edits evidence per statement; publishing asks for a reason; the diff
marks the changed words; a read-only organization's pages offer no form. Screenshots go
to screenshots/issue8-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from frameworks import services
from frameworks.selectors import current_version
from organizations.scoping import scope
from tests.framework_fixtures import cell, load, write_cell
from tests.frameworks.test_browser_editor import login, shoot
from tests.frameworks.test_checker import COFFEE, support_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def both(page: Any, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, f"issue8-{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, f"issue8-{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_checker_evidence_publish_diff_and_read_only(page, live_server, world):
    with scope(world.acme):
        draft = load(world.acme, support_family(), actor=world.hr)
        family = draft.family
    login(page, live_server, world.hr)
    base = live_server.url

    # the editor: flags on each statement, the count beside the matrix
    page.goto(base + reverse("frameworks:editor", args=[family.public_id]))
    flagged = page.locator("#matrix li.is-flagged", has_text=COFFEE)
    expect(flagged).to_contain_text("Unrelated to the competency")
    expect(page.locator("#draft-flags")).to_contain_text("flagged")
    both(page, "editor-flags")

    # a cell's editor: a box and evidence per statement, and a blank one to add
    page.locator("#matrix tbody tr", has_text="Ticket handling").locator("td").nth(0).click()
    editing = page.locator("td.matrix__cell--editing")
    expect(editing.locator("textarea")).to_have_count(2)
    editing.locator("textarea").nth(1).fill("Tags each ticket with its product area.")
    editing.get_by_label("Metric").nth(1).check()
    shoot(page, "issue8-cell-evidence-1280", full=False)
    editing.locator("textarea").first.press("Control+Enter")
    row = page.locator("#matrix tbody tr", has_text="Ticket handling")
    expect(row).to_contain_text("Tags each ticket with its product area.")

    # publishing lists the open flags and needs a reason
    page.goto(base + reverse("frameworks:publish", args=[family.public_id]))
    expect(page.locator(".publish-flags")).to_contain_text(COFFEE)
    page.get_by_label("What changed in this version?").fill("First version")
    page.get_by_role("button", name="Publish v1 anyway").click()
    expect(page.locator(".error-summary, .field--error").first).to_be_visible()
    both(page, "publish-flags")
    page.get_by_label("Why publish with flagged statements?").fill(
        "The O*NET skill stays until the support lead rewrites it."
    )
    page.get_by_role("button", name="Publish v1 anyway").click()
    expect(page.locator(".messages")).to_contain_text("is published")

    # the diff: one reworded statement, its changed words marked
    with scope(world.acme):
        v1 = current_version(family)
        assert v1 is not None
        new = services.start_draft(family, actor=world.hr)
        comp, level = cell(new, "Ticket handling", "S1")
        write_cell(
            new,
            comp.uid,
            level.uid,
            "Answers tickets in the queue within two hours.",
            actor=world.hr,
            revision=new.revision,
        )
    diff = reverse("frameworks:diff", args=[family.public_id])
    page.goto(f"{base}{diff}?a={v1.public_id}&b={new.public_id}")
    expect(page.locator("del").first).to_contain_text("four")
    expect(page.locator("ins").first).to_contain_text("two")
    both(page, "diff")

    # read-only: no form where a change would be refused
    world.acme.trial_ends_at = timezone.now() - timezone.timedelta(hours=1)
    world.acme.save(update_fields=["trial_ends_at"])
    page.goto(base + reverse("people:add"))
    expect(page.locator(".read-only-note")).to_be_visible()
    expect(page.locator("main form[method=post]")).to_have_count(0)
    both(page, "read-only-add-person")
    page.goto(base + reverse("accounts:invitations"))
    expect(page.locator("main form[method=post]")).to_have_count(0)
    both(page, "read-only-invitations")
