"""A review cycle end to end in Chromium: HR sets it up and launches it; Emma, three
peers and Max fill in and submit; a ladder fix is published in the editor and applied to Max's open
review; calibration changes one rating with a reason; HR releases; Emma reads her
results and acknowledges them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.browser import SHOTS, finalize_and_release, login, publish_in_editor, submit
from tests.reviews.factories import team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rate_everything(page: Any, value: int) -> None:
    """Click the rating `value` of every statement, waiting for each autosave."""
    groups = page.locator("fieldset.statement")
    expect(groups.first).to_be_visible()  # the form has loaded, not the page before it
    for n in range(groups.count()):
        option = groups.nth(n).locator(f".rating-option--{value} label")
        if option.count():
            option.click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    total = groups.count()
    expect(page.locator("#progress-text")).to_have_text(f"{total} of {total} rated")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_cycle_end_to_end(page, live_server, world):
    with scope(world.acme):
        t = team(world)
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # --- HR: the guided set-up --------------------------------------------------------------
    login(page, live_server, world.hr)
    page.goto(base + "/reviews/")
    page.get_by_role("link", name="Start a review cycle").first.click()
    page.get_by_label("Name of the review cycle").fill("2026 mid-year review")
    page.get_by_label("Period starts").fill("2026-01-01")
    page.get_by_label("Period ends").fill("2026-06-30")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    page.get_by_text("Some managers’ direct reports (their teams)").click()
    page.locator("fieldset#id_teams-field").get_by_label("Max Manager").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Which reviews does each person get?")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()  # self, manager, 3 peers
    page.get_by_label("Self-reviews").fill("2026-07-10")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_text("Yes — see who is ready for the next level").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Who reviews whom")).to_be_visible()
    shot(page, "cycle-1-who-reviews-whom")
    page.get_by_role("link", name="Choose peers for Emma Employee").click()
    for peer in ("Pia Peer", "Paul Peer", "Petra Peer"):
        page.get_by_label("Colleague").select_option(label=peer)
        page.get_by_role("button", name="Ask for feedback").click()
        expect(page.locator(".nomination", has_text=peer)).to_contain_text("Approved")
    page.get_by_role("link", name="2026 mid-year review", exact=True).click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Launch the cycle").click()
    expect(page.locator(".notice--success")).to_contain_text("is open")

    # --- Emma, the three peers and Max --------------------------------------------------------
    login(page, live_server, world.employee)
    page.goto(base + "/reviews/")
    page.get_by_role("link", name="Your self-review").first.click()
    rate_everything(page, 4)
    page.locator("details.statement__more").first.locator("summary").click()
    page.locator("textarea[name^=comment-]").first.fill("I ran the planning for the team.")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    shot(page, "cycle-2-self-review")
    submit(page)
    for user in t.peer_users:
        login(page, live_server, user)
        page.goto(base + "/reviews/")
        page.get_by_role("link", name="Peer feedback for Emma Employee", exact=True).click()
        expect(page.get_by_text("Your answers stay anonymous")).to_be_visible()
        rate_everything(page, 3)
        submit(page)
    login(page, live_server, world.manager)
    page.goto(base + "/reviews/")
    page.get_by_role("link", name="Manager review for Emma Employee", exact=True).click()
    manager_url = page.url
    rate_everything(page, 2)  # filled in, not submitted yet

    # --- a ladder fix is published in the editor and applied to Max's open review -------------
    login(page, live_server, world.hr)
    publish_in_editor(
        page,
        base,
        cell="Writes a weekly update for the team.",
        text="Writes a weekly update that the whole team reads.",
        note="Fix wording",
    )
    page.goto(base + "/reviews/cycles/")
    page.get_by_role("link", name="2026 mid-year review", exact=True).click()
    page.get_by_role("link", name="See what changed and apply it").click()
    expect(page.locator(".fix-list ins")).to_contain_text("the whole team reads")
    shot(page, "cycle-3-ladder-fix")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name=re.compile(r"Apply v2 to")).click()
    expect(page.locator(".notice--success")).to_contain_text("now reaches")
    login(page, live_server, world.manager)
    page.goto(manager_url)
    expect(page.locator(".statement--changed")).to_contain_text("The wording changed")
    shot(page, "cycle-4-changed-statement")
    page.locator(".statement--changed .rating-option--3 label").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    submit(page)
    expect(page.get_by_text("Read the self-review")).to_have_count(0)  # back on the list

    # --- calibration: one rating changes, with a reason; then release ---------------------------
    login(page, live_server, world.hr)
    page.goto(base + "/reviews/cycles/")
    page.get_by_role("link", name="2026 mid-year review", exact=True).click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Close forms and open calibration").click()
    expect(page.get_by_role("heading", name="Calibration")).to_be_visible()
    group = page.locator("#group option", has_text="PM2").get_attribute("value")
    page.get_by_label("Job family and level").select_option(group)
    # at 1280 px each competency's table fits its card, so no Change button is cut off
    wrap, table = page.locator(".calibration-table").first.evaluate(
        "t => [t.parentElement.clientWidth, t.scrollWidth]"
    )
    assert table <= wrap, f"the calibration table is {table}px wide in a {wrap}px card"
    page.get_by_role(
        "link", name=re.compile("Change Emma Employee’s final rating for Prioritization")
    ).click()
    page.get_by_label("Final rating").select_option("3")
    page.get_by_role("button", name="Save the final rating").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter the reason")
    shot(page, "cycle-5-calibration-reason")
    page.get_by_label("Reason").fill("Ran the quarterly planning the whole team now follows.")
    page.get_by_role("button", name="Save the final rating").click()
    expect(page.locator(".notice--success")).to_contain_text("Prioritization is now 3")
    finalize_and_release(page)

    # --- Emma reads her results and acknowledges them -------------------------------------------
    login(page, live_server, world.employee)
    page.goto(base + "/reviews/")
    page.get_by_role("link", name="2026 mid-year review", exact=True).click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    prioritization = page.locator(".result", has_text="Prioritization")
    expect(prioritization).to_contain_text("Consistently shows this")
    expect(prioritization).to_contain_text("Ran the quarterly planning")
    expect(page.get_by_text("3 peers answered")).to_be_visible()
    # the big final rating chip holds its whole digit (it was a fixed 26 px high)
    chip = prioritization.locator(".result__final .rating")
    assert chip.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    shot(page, "cycle-6-results")
    for peer in ("Pia Peer", "Paul Peer", "Petra Peer"):
        expect(page.locator("main")).not_to_contain_text(peer)
    page.get_by_label("Your comment").fill("Thanks — agreed on the planning work.")
    page.get_by_role("button", name="Acknowledge my results").click()
    expect(page.get_by_text("You acknowledged these results")).to_be_visible()
    assert errors == []
