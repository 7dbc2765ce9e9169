"""In Chromium, the loop closes: from a released cycle to the gap report, action items
created from it, one completed, the next cycle, and the closed gap and the trend in the
new report. No console errors (a CSP violation would be one); fits a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.core.test_browser_pages import errors_of, login
from tests.growth.factories import growth_team, run_cycle
from tests.growth.test_gap_report import MANAGER, PEERS, SELF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gap_report_to_plan_to_the_next_review(page, live_server, world):
    with scope(world.acme):
        t = growth_team(world)
        first = run_cycle(
            world,
            t,
            name="2026 H1",
            manager=MANAGER,
            self_ratings=SELF,
            peers=PEERS,
            adjust={"Craft": (2, "Two outages traced to untested code.")},
        )
    login(page, live_server, world.employee)
    errors = errors_of(page)

    # the employee opens Development, then the gap report of the released cycle
    page.goto(live_server.url + "/growth/")
    expect(page.get_by_role("heading", name="My development plan")).to_be_visible()
    page.get_by_role("link", name="Open the latest gap report").click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    gaps = page.locator("#gaps-heading + article h3")
    expect(gaps.first).to_have_text("Craft")  # the largest gap first
    expect(page.get_by_text("4 of 5 statements, 80%", exact=True)).to_be_visible()

    # add the suggested items (Craft and Delivery) to the plan
    expect(page.get_by_label(re.compile("k1 Writes tested code"))).to_be_checked()
    page.get_by_role("button", name="Add the chosen items to the plan").click()
    expect(page.get_by_text("2 action items were added")).to_be_visible()
    craft = page.locator(".plan-item", has_text="k1 Writes tested code")
    expect(craft).to_have_count(1)

    # complete the Craft item from the plan (htmx swaps the row)
    craft.get_by_label(re.compile("Status of")).select_option("done")
    craft.get_by_role("button", name="Update").click()
    expect(page.locator(".plan-item", has_text="k1 Writes tested code")).to_contain_text("Saved")

    # the next cycle: Craft meets the level again
    with scope(world.acme):
        second = run_cycle(world, t, name="2026 H2", manager=MANAGER, self_ratings=SELF)
    page.goto(f"{live_server.url}/growth/reports/{second.public_id}/")
    since = page.locator("#since-heading").locator("xpath=..")
    expect(since).to_contain_text("Compared with 2026 H1")
    expect(since.locator("h3", has_text="Gaps closed").locator("xpath=..")).to_contain_text("Craft")
    expect(
        since.locator("h3", has_text="Action items completed").locator("xpath=..")
    ).to_contain_text("k1 Writes tested code")
    expect(since.locator("h3", has_text="Carried over").locator("xpath=..")).to_contain_text(
        "d2a Ships features on time"
    )
    craft_trend = page.locator(".trend-table tr", has_text="Craft")
    expect(craft_trend).to_contain_text("Improved +1")
    expect(craft_trend).to_contain_text("Gap closed")
    expect(craft_trend.locator("img.sparkline")).to_have_attribute(
        "alt", "Craft: 2026 H1 2, 2026 H2 3."
    )

    # on a phone the report fits the screen (the wide chart scrolls inside its frame)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    del first
