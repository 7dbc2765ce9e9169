"""In a real browser: an HR admin browses the template library, ticks two templates to
compare them, opens a ladder, and starts a job family from it. Screenshots of the hub,
the detail page and the compare view at 1280 and 390 px go to screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from frameworks.models import FrameworkVersion
from organizations.scoping import scope
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def shoot_both(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_hr_admin_compares_and_uses_a_template(page: Any, live_server: Any, world: Any):
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/frameworks/templates/")
    expect(page.get_by_role("heading", name="Template library")).to_be_visible()
    shoot_both(page, "library-hub")

    page.get_by_label("Compare Product Management").check()
    page.get_by_label("Compare Engineering").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.get_by_role("heading", name="Compare templates")).to_be_visible()
    table = page.locator(".compare__table")
    expect(table.get_by_text("Staff Product Manager")).to_be_visible()
    expect(table.get_by_text("Staff Engineer", exact=True)).to_be_visible()
    shoot_both(page, "library-compare")

    page.get_by_role("link", name="Product Management", exact=True).first.click()
    expect(page.get_by_role("heading", name="Product Management template")).to_be_visible()
    expect(page.locator("table.matrix")).to_be_visible()
    page.screenshot(path=str(SHOTS / "library-detail-1280-top.png"))
    shoot_both(page, "library-detail")

    page.get_by_role("link", name="Use this template").first.click()
    expect(page.get_by_text("A new Product Management job family is created")).to_be_visible()
    shoot_both(page, "library-use")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_load_state()
    with scope(world.acme):
        draft = FrameworkVersion.objects.get()
        assert draft.is_draft and draft.source == "template:product-management"
    page.screenshot(path=str(SHOTS / "library-after-use-1280.png"), full_page=True)

    # Using it again warns that the draft will be replaced.
    page.goto(f"{live_server.url}/frameworks/templates/product-management/use/")
    expect(page.get_by_text("Its content will be replaced")).to_be_visible()
    shoot_both(page, "library-use-replace")


def test_compare_without_a_choice_explains_itself(page: Any, live_server: Any, world: Any):
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/frameworks/templates/compare/?keys=product-management")
    expect(page.locator(".error-summary")).to_be_visible()
    shoot_both(page, "library-compare-error")
