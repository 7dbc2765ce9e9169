"""In Chromium: HR finds a ready person on the readiness list, starts a case, writes it
against each statement and sends it for review, puts it in a round; a committee member
approves it from the round's side-by-side view; the person sees the outcome, their new
level on their ladder and in their level history. No console errors; fits a phone.

Screenshots at 1280 and 390 px go to $SCREENSHOTS (or the test's temporary folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.core.test_browser_pages import errors_of, login
from tests.promotions.factories import READY, promotion_team, reviewed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_nominate_case_round_decision_outcome(page, live_server, world, tmp_path):
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with scope(world.acme):
        t = promotion_team(world, peers=0)
        reviewed(world, t, READY)
    page.on("dialog", lambda d: d.accept())
    errors = errors_of(page)
    base = live_server.url

    # HR: the readiness list shows Emma ready; start a case
    login(page, live_server, world.hr)
    page.goto(base + "/promotions/readiness/")
    row = page.locator("tr", has_text="Emma Employee")
    expect(row).to_contain_text("5 of 5 statements, 100%")
    shoot(page, folder, "readiness")
    row.get_by_role("link", name=re.compile("Start a case")).click()
    expect(
        page.get_by_role("heading", name="Start a promotion case for Emma Employee")
    ).to_be_visible()
    expect(page.get_by_label(re.compile("G3 Senior Engineer"))).to_be_checked()
    page.get_by_role("button", name="Start the case").click()

    # write the case against each statement, then send it for review
    expect(page.get_by_text("The case for Emma Employee was opened")).to_be_visible()
    boxes = page.locator("textarea[name^=argument-]")
    for n in range(boxes.count()):
        boxes.nth(n).fill(f"Shown on the search rewrite, part {n + 1}.")
    page.get_by_label("The case in a few sentences").fill("Already leads the search area.")
    shoot(page, folder, "case-draft")
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.get_by_text("The case was sent for review.")).to_be_visible()

    # HR puts it in a round with Olivia on the committee
    page.goto(base + "/promotions/rounds/")
    page.get_by_role("link", name="Start a round").first.click()
    page.get_by_label("Name").fill("Spring 2026 promotions")
    page.get_by_label("Olivia Owner").check()
    page.get_by_label(re.compile("Emma Employee: G2")).check()
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_role("heading", name=re.compile("Spring 2026 promotions"))).to_be_visible()

    # Olivia decides from the round's side-by-side view
    login(page, live_server, world.owner)
    page.goto(base + "/promotions/rounds/")
    page.get_by_role("link", name="Spring 2026 promotions").click()
    expect(page.locator("tr", has_text="Emma Employee").first).to_contain_text("5 of 5 statements")
    shoot(page, folder, "round")
    page.get_by_text("Decide for Emma Employee").click()
    page.get_by_text("Approve", exact=True).click()
    page.get_by_label("Takes effect on").fill("2026-04-01")
    page.get_by_label("Rationale").fill("Meets every G3 statement; the search rewrite shows it.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Approved: Emma Employee moves to G3 Senior Engineer")).to_be_visible()
    expect(page.locator("tr", has_text="Emma Employee").first).to_contain_text("Approved")

    # Emma sees the outcome, her new level and its history
    login(page, live_server, world.employee)
    page.goto(base + "/promotions/")
    page.get_by_role("link", name=re.compile("G3 Senior Engineer: Approved")).click()
    expect(page.get_by_role("heading", name=re.compile("Congratulations"))).to_be_visible()
    expect(page.get_by_text("Meets every G3 statement")).to_be_visible()
    shoot(page, folder, "outcome")
    page.get_by_role("link", name="See your new level on your ladder").click()
    expect(page.locator("body")).to_contain_text("G3")
    shoot(page, folder, "ladder")
    page.goto(base + "/people/me/")
    expect(page.locator("body")).to_contain_text("Promoted to G3 Senior Engineer")
    assert errors == []
