"""Issue 8, fix 6 in a browser: sort the people list by level, tick people (one by one
and "everyone on this page"), change their manager in two steps, see an all-or-nothing
refusal. Screenshots at 1280 and 390 px go to screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.frameworks.test_browser_editor import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def test_sort_tick_and_change_many_people(page, live_server, world):
    from people.models import Person
    from tests.people.test_bulk_and_sort import add_people
    from tests.people.test_people import make_ladder

    family, levels = make_ladder(world.acme, world.owner)
    rows = [("Zoe Zed", "P1"), ("Adam Apple", "P3"), ("Mia Mid", "P2")]
    add_people(world, family, levels, rows)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, world.hr)
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/people/")
    page.locator("th").get_by_role("link", name="Level").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Level")
    expect(page.locator(".people-table__name").first).to_have_text("Zoe Zed")
    page.locator("th").get_by_role("link", name="Level").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Level")
    expect(page.locator(".people-table__name").first).to_have_text("Adam Apple")
    # tick everyone on the page, then untick Olivia and Max
    page.get_by_label("Tick everyone on this page").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("7 people ticked")
    page.get_by_label("Tick Olivia Owner").uncheck()
    page.get_by_label("Tick Max Manager").uncheck()
    page.get_by_label("Tick Hana Hr").uncheck()
    page.get_by_label("Tick Emma Employee").uncheck()
    expect(page.locator("[data-bulk-count]")).to_have_text("3 people ticked")
    page.screenshot(path=str(SHOTS / "people-bulk-1280.png"), full_page=True)
    page.get_by_label("With the people you tick below:").select_option("manager")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Change manager: 3 people")
    page.get_by_label("New manager").select_option(label="Hana Hr")
    page.screenshot(path=str(SHOTS / "people-bulk-step-1280.png"), full_page=True)
    page.get_by_role("button", name="Change manager for 3 people").click()
    expect(page.locator(".messages")).to_contain_text("Change manager: done for 3 people.")
    assert "sort=-level" in page.url  # back on the list as it was
    with scope(world.acme):
        assert Person.objects.filter(manager=world.p_hr).count() == 3

    # on a phone: the sort links above the list, a refusal that names the person
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/people/?sort=name")
    expect(page.locator(".people-sort")).to_be_visible()
    page.get_by_label("Tick Hana Hr").check()
    page.get_by_label("Tick Zoe Zed").check()
    page.get_by_label("With the people you tick below:").select_option("deactivate")
    page.screenshot(path=str(SHOTS / "people-bulk-390.png"), full_page=True)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Deactivate for 2 people").click()
    expect(page.locator(".error-summary")).to_contain_text("Hana Hr: ")
    page.screenshot(path=str(SHOTS / "people-bulk-refused-390.png"), full_page=True)
    with scope(world.acme):
        assert Person.objects.filter(is_active=False).count() == 0
    assert errors == []
