"""The QA sweep kept as a test: on a phone (390 px) no page scrolls sideways, and no page
or editor swap logs a console error (a CSP violation shows up as one)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from frameworks.library import start_from_template
from organizations.scoping import scope
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/home/",
    "/people/",
    "/people/add/",
    "/frameworks/",
    "/frameworks/templates/",
    "/frameworks/guide/write-statements/",
    "/organization/audit-log/",
    "/organization/members/",
    "/organization/settings/",
    "/accounts/invitations/",
    "/onet/?q=software",
]


def errors_of(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_phone_pages_fit_and_log_no_errors(page, live_server, world):
    with scope(world.acme):
        draft = start_from_template(world.acme, "engineering", actor=world.hr)
    login(page, live_server, world.hr)
    errors = errors_of(page)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in [*PAGES, f"/frameworks/{draft.family.public_id}/"]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
    assert errors == []


def test_editor_panel_errors_swap_without_csp_violations(page, live_server, world):
    """htmx settles only class, width and height (templates/base.html): copying a style
    attribute from the old element is an inline style, which the CSP refuses."""
    with scope(world.acme):
        draft = start_from_template(world.acme, "engineering", actor=world.hr)
    login(page, live_server, world.hr)
    errors = errors_of(page)
    page.goto(f"{live_server.url}/frameworks/{draft.family.public_id}/edit/")
    page.get_by_role("link", name="+ Competency").click()
    page.locator("#editor-panel form").wait_for()
    # a screenshot leaves empty style attributes behind; htmx must not copy them on the swap
    page.screenshot()
    page.locator("#editor-panel form button[type=submit], #editor-panel form .button").first.click()
    page.locator("#editor-panel .error-summary").wait_for()
    assert "Enter the competency name." in page.locator("#editor-panel .error-summary").inner_text()
    page.get_by_role("link", name="+ Category").click()
    page.wait_for_timeout(300)
    assert errors == []


def test_a_refused_edit_says_why_instead_of_doing_nothing(page, live_server, world):
    from datetime import timedelta

    from django.utils import timezone

    with scope(world.acme):
        draft = start_from_template(world.acme, "engineering", actor=world.hr)
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/frameworks/{draft.family.public_id}/edit/")
    # The trial ends while the editor is open (a fresh page would offer no edit controls).
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save(update_fields=["trial_ends_at"])
    page.locator(".matrix__cell-edit").first.click()
    # the cell offers no form to type into, and says why (issue 8, fix 1)
    note = page.locator(".matrix__cell--editing .read-only-note")
    expect(note).to_contain_text("read-only")
    expect(page.locator(".cell-form textarea")).to_have_count(0)
