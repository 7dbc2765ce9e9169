"""An HR admin adds a person, imports a CSV with a bad row, fixes it, and sees everyone
in the list and the org chart. Screenshots at 1280 and 390 px go to screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import login
from tests.people.test_people import make_ladder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"

BAD_CSV = (
    "Name,Email,Job title,Manager email,Job family,Level,Start date\n"
    "Priya Shah,priya@acme.test,Head of Product,max@acme.test,Product Management,M3,2021-03-01\n"
    "Tom Becker,tom@acme.test,Senior PM,priya@acme.test,Product Management,P3,15/06/2022\n"
    "Lena Ortiz,lena@acme.test,Product Manager,tom@acme.tset,Product Management,P2,2024-01-08\n"
)
GOOD_CSV = BAD_CSV.replace("tom@acme.tset", "tom@acme.test")


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload(page: Any, text: str) -> None:
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}],
    )
    page.get_by_role("button", name="Upload and preview").click()


def test_hr_admin_adds_and_imports_people(page, live_server, world):
    make_ladder(world.acme, world.owner)
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    # Add one person; the first try misses the name and shows the error summary.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Work e-mail address").fill("nina@acme")
    page.get_by_role("button", name="Add person", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_text("Enter the person's full name.").first).to_be_visible()
    shoot(page, "people-add-errors-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "people-add-errors-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Full name").fill("Nina New")
    page.get_by_label("Work e-mail address").fill("nina@acme.test")
    page.get_by_label("Manager").select_option(label="Max Manager")
    with page.expect_response(lambda r: "/people/level-options/" in r.url):
        page.get_by_label("Job family").select_option(label="Product Management")
    level = page.locator("#id_level")
    expect(level.locator("optgroup")).to_have_count(0)  # narrowed to one family
    level.select_option(label="P2 · Product Manager (IC track)")
    page.get_by_label("Start date").fill("2025-02-03")
    page.get_by_role("button", name="Add person", exact=True).click()
    expect(page.get_by_text("Nina New was added to the people directory.")).to_be_visible()
    expect(page.get_by_role("heading", name="Nina New")).to_be_visible()
    expect(page.get_by_text("Product area")).to_be_visible()
    shoot(page, "people-detail-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "people-detail-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Import a CSV with one bad row, see the error, upload the fixed file, confirm.
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="Import from CSV").click()
    upload(page, BAD_CSV)
    error = (  # the People sheet's message: the CSV goes through its validator
        "Row 4, column Manager email: The manager tom@acme.tset is not in this file or in "
        "your people directory. Add them as a row, or correct the address."
    )
    expect(page.locator(".error-summary").get_by_text(error)).to_be_visible()
    assert page.get_by_role("button", name="Import 3 people").count() == 0
    shoot(page, "people-import-preview-errors-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "people-import-preview-errors-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    upload(page, GOOD_CSV)
    expect(page.get_by_text("Ready to import.")).to_be_visible()
    shoot(page, "people-import-preview-ready-1280")
    page.get_by_role("button", name="Import 3 people").click()
    expect(page.get_by_text("Import finished: 3 added, 0 updated.")).to_be_visible()
    for name in ("Nina New", "Priya Shah", "Tom Becker", "Lena Ortiz"):
        expect(page.locator(".people-table").get_by_role("link", name=name)).to_be_visible()
    shoot(page, "people-list-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "people-list-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Filtering refreshes the table in place (htmx).
    page.get_by_label("Search").fill("lena")
    expect(page.locator(".people-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=lena"))

    # The org chart nests Lena under Tom under Priya under Max.
    page.goto(f"{live_server.url}/people/org-chart/")
    max_node = page.locator(".tree > li", has=page.get_by_text("Max Manager", exact=True))
    expect(max_node.locator("ul li ul li ul li").get_by_text("Lena Ortiz")).to_be_visible()
    shoot(page, "people-org-chart-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "people-org-chart-390")


def test_deactivating_a_manager_and_the_empty_directory(page, live_server, world):
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/people/")
    page.locator(".people-table").get_by_role("link", name="Max Manager").click()
    page.get_by_role("link", name="Deactivate").click()
    expect(page.get_by_text("Give each of them a new manager first")).to_be_visible()
    expect(page.get_by_role("link", name="Change Emma Employee's manager")).to_be_visible()
    shoot(page, "people-deactivate-manager-1280")
    page.get_by_role("link", name="Change Emma Employee's manager").click()
    page.get_by_label("Manager").select_option(label="Hana Hr")
    page.get_by_role("button", name="Save changes").click()
    page.goto(f"{live_server.url}/people/")
    page.locator(".people-table").get_by_role("link", name="Max Manager").click()
    page.get_by_role("link", name="Deactivate").click()
    expect(page.get_by_text("can no longer log in")).to_be_visible()
    page.get_by_role("button", name="Deactivate Max Manager").click()
    expect(page.get_by_text("Max Manager was deactivated.")).to_be_visible()
    expect(page.get_by_role("link", name="Reactivate")).to_be_visible()
    # A new organization: only its owner is in the directory.
    page.context.clear_cookies()
    login(page, live_server, world.outsider)
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_role("heading", name="No people yet")).to_be_visible()
    shoot(page, "people-empty-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "people-empty-390")
