"""In Chromium, the loop closes: from a released cycle to the gap report, action items
created from it, one completed; HR copies the finished cycle as the next one (self and
manager reviews this time) and launches it, publishes a ladder fix in the framework
editor and applies it to the open forms; Emma's next self-review shows the new wording
and, beside each competency, her open and completed items; Emma and Max fill in and
submit, HR closes the forms, finalizes and releases; Emma's new report shows the closed
gap with the completed item behind it, the carried-over item and the trend. The first
cycle is set up in code; everything after it happens in the browser. Screenshots of the
next review, the new report, its PDF and the plan go to screenshots/. No console errors
(a CSP violation would be one); fits a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.browser import SHOTS, finalize_and_release, login, publish_in_editor, submit
from tests.core.test_browser_pages import errors_of
from tests.growth.factories import growth_team, run_cycle
from tests.growth.test_gap_report import MANAGER, PEERS, SELF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rate_by_code(page: Any, ratings: dict[str, int], default: int = 3) -> None:
    """Click each statement's rating by the code that starts it ("d2a"), `default` for
    the others, waiting for the autosave."""
    groups = page.locator("fieldset.statement")
    expect(groups.first).to_be_visible()
    texts = groups.locator(".statement__text").all_inner_texts()
    for n, text in enumerate(texts):
        value = ratings.get(text.split()[0], default)
        groups.nth(n).locator(f".rating-option--{value} label").click()
    expect(page.locator("#progress-text")).to_have_text(f"{len(texts)} of {len(texts)} rated")
    expect(page.locator("#save-status")).to_contain_text("Saved")


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

    # HR starts the next cycle by copying the finished one, and launches it
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/reviews/cycles/{first.cycle.public_id}/")
    page.get_by_role("button", name="Copy as the next cycle").click()
    expect(page.locator(".notice--success")).to_contain_text("starts from “2026 H1”")
    page.get_by_label("Name of the review cycle").fill("2026 H2")
    for step in range(2, 7):  # each step as copied
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_text(f"Step {step} of 6")).to_be_visible()
        if step == 3:  # self and manager reviews only: no peers this time
            page.get_by_label("Peers per person").fill("0")
        if step == 2:  # Emma alone, as before (not everyone placed on a ladder)
            expect(page.get_by_label("Keep the 1 person chosen one by one")).to_be_checked()
            page.screenshot(path=str(SHOTS / "growth-copied-cycle-people.png"))
    expect(page.get_by_role("heading", name="Who reviews whom")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Launch the cycle").click()
    expect(page.locator(".notice--success")).to_contain_text("is open")
    next_cycle = page.url

    # a ladder fix, published in the framework editor, reaches the open forms
    publish_in_editor(
        page,
        live_server.url,
        cell="c2a Writes clear updates.",
        text="c2a Writes a weekly update the whole team reads.",
        note="Clearer update expectations",
    )
    page.goto(next_cycle)
    page.get_by_role("link", name="See what changed and apply it").click()
    expect(page.locator(".fix-list ins").first).to_contain_text("the whole team reads")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name=re.compile(r"Apply v2 to")).click()
    expect(page.locator(".notice--success")).to_contain_text("now reaches")

    # Emma's next self-review: the new wording, and her plan beside each competency
    login(page, live_server, world.employee)
    page.goto(live_server.url + "/reviews/")
    page.get_by_role("link", name="Your self-review").first.click()
    expect(page.locator("fieldset.statement").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("c2a Writes a weekly update the whole team reads.")
    expect(page.locator("main")).not_to_contain_text("c2a Writes clear updates.")
    expect(page.locator(".statement__text", has_text="c2b Explains trade-offs.")).to_have_count(1)

    def plan_beside(name: str):
        heading = page.get_by_role("heading", name=name, exact=True)
        return (
            page.locator("section.competency-block").filter(has=heading).first.locator(".form-plan")
        )

    expect(plan_beside("Craft")).to_contain_text("From your development plan")
    expect(plan_beside("Craft")).to_contain_text(re.compile("✓ [^→]*k1 Writes tested code"))
    expect(plan_beside("Delivery")).to_contain_text(re.compile("→ [^✓]*d2a Ships features"))
    expect(plan_beside("Communication")).to_have_count(0)
    for name in ("Delivery", "Craft"):
        block = plan_beside(name).locator("xpath=..")
        block.screenshot(path=str(SHOTS / f"growth-next-review-{name.lower()}.png"))

    page.screenshot(path=str(SHOTS / "growth-next-review-form.png"), full_page=True)
    rate_by_code(page, SELF)
    submit(page)

    # Max's review: Craft meets the level now, Delivery still falls short
    login(page, live_server, world.manager)
    page.goto(live_server.url + "/reviews/")
    to_write = page.locator("section[aria-labelledby=todo-heading]")
    to_write.get_by_role("link", name="Manager review for Emma Employee", exact=True).click()
    rate_by_code(page, MANAGER)
    submit(page)

    # HR closes the forms, finalizes the calibration as proposed and releases
    login(page, live_server, world.hr)
    page.goto(next_cycle)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Close forms and open calibration").click()
    expect(page.get_by_role("heading", name="Calibration")).to_be_visible()
    finalize_and_release(page)

    # Emma opens her new gap report: the closed gap, the item behind it, the trend
    login(page, live_server, world.employee)
    page.goto(live_server.url + "/growth/")
    reports = page.locator("section[aria-labelledby=reports-heading] li")
    expect(reports).to_have_text([re.compile("^2026 H2"), re.compile("^2026 H1")])
    reports.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    expect(page.locator(".page-header")).to_contain_text("2026 H2")
    gaps = page.locator("#gaps-heading + article h3")
    expect(gaps).to_have_text(["Delivery"])  # Craft is no longer a gap
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
    expect(craft_trend).to_contain_text(re.compile(r"✓ k1 Writes tested code.*\(done\)"))
    expect(craft_trend.locator("img.sparkline")).to_have_attribute(
        "alt", "Craft: 2026 H1 2, 2026 H2 3."
    )
    delivery_trend = page.locator(".trend-table tr", has_text="Delivery")
    expect(delivery_trend).to_contain_text("= No change")
    expect(delivery_trend).to_contain_text(re.compile(r"→ d2a Ships features.*\(not started\)"))
    expect(page.locator("article.gap-card", has_text="Delivery")).to_contain_text(
        re.compile("In the plan: d2a Ships features")
    )
    page.screenshot(path=str(SHOTS / "growth-second-report.png"), full_page=True)
    report_url = page.url
    pdf_path = page.get_by_role("link", name="Download PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{pdf_path}")
    assert pdf.headers["content-type"] == "application/pdf"
    (SHOTS / "growth-second-report.pdf").write_bytes(pdf.body())
    page.get_by_role("link", name="Development plan").first.click()
    expect(page.locator(".plan-item", has_text="k1 Writes tested code")).to_contain_text("Done")
    page.screenshot(path=str(SHOTS / "growth-plan-after.png"), full_page=True)

    # on a phone the report fits the screen (the wide chart scrolls inside its frame)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(report_url)
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
