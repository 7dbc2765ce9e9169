"""An HR admin uploads a Master Template with mistakes, reads the problems, uploads the
corrected file, checks the preview, confirms, and finds the new draft. Screenshots of
each page (1280 px, and 390 px for the upload form) go to screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from spreadsheets.models import ImportJob
from spreadsheets.writer import blank_template
from tests.browser import login
from tests.spreadsheets.workbooks import edited_template

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def broken_workbook() -> bytes:
    return edited_template(
        {"Levels": {"D3": "Sideways", "E4": "three"}, "People": {"C3": "dana.directr@example.com"}}
    )


def choose(page: Any, name: str, data: bytes) -> None:
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    page.get_by_role("button", name="Upload and check").click()


def test_hr_admin_fixes_a_workbook_and_imports_it(page, live_server, world):
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/spreadsheets/")
    expect(page.get_by_role("heading", name="Import & export")).to_be_visible()
    expect(page.get_by_text("up to 10 MB")).to_be_visible()
    shoot(page, "import-index")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shoot(page, "import-index-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 0. a CSV file is refused with a message that says what to do
    choose(page, "people.csv", b"Email,Name\nann@example.com,Ann\n")
    expect(page.locator(".error-summary")).to_contain_text("It looks like a CSV or text file")
    expect(page.get_by_role("heading", name="Fix the problem in people.csv")).to_be_visible()
    shoot(page, "import-refused")

    # 1. a workbook with three mistakes: every one is listed with sheet, row and column
    choose(page, "ladder.xlsx", broken_workbook())
    expect(page.get_by_role("heading", name="Fix the problems in ladder.xlsx")).to_be_visible()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There are problems with this workbook (3)")
    expect(summary).to_contain_text("Levels sheet: 2 problems")
    levels = page.locator("section", has=page.get_by_role("heading", name="Levels sheet"))
    expect(levels.locator("tbody tr")).to_have_count(2)
    expect(levels).to_contain_text("“Sideways” is not one we know")
    expect(page.locator("section", has_text="People sheet")).to_contain_text(
        "dana.directr@example.com is not on this sheet"
    )
    shoot(page, "import-errors")

    # 2. the corrected file, uploaded from the same page: a preview, nothing saved yet
    choose(page, "ladder-fixed.xlsx", blank_template())
    expect(page.get_by_role("heading", name="Check the changes, then import")).to_be_visible()
    expect(page.locator(".xfer-family")).to_contain_text("New family")
    expect(page.locator(".xfer-stats")).to_contain_text("9")  # the PM template's 9 levels
    with scope(world.acme):
        from frameworks.models import JobFamily

        assert not JobFamily.objects.exists()
    shoot(page, "import-preview")

    # 3. confirm: the draft is created and linked
    page.get_by_role("button", name="Import and create drafts").first.click()
    expect(page.get_by_role("heading", name="Imported ladder-fixed.xlsx")).to_be_visible()
    expect(page.get_by_text("2 people added")).to_be_visible()
    shoot(page, "import-result")
    page.get_by_role("link", name="Review the Product Management draft").click()
    expect(page.get_by_role("heading", name="Product Management").first).to_be_visible()


def test_progress_bar_while_a_large_workbook_is_checked(page, live_server, world):
    with scope(world.acme):
        job = ImportJob.objects.create(
            organization=world.acme,
            original_name="whole-company.xlsx",
            status=ImportJob.Status.CHECKING,
            progress=35,
            stage="Reading families, levels and statements",
        )
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/spreadsheets/imports/{job.public_id}/")
    bar = page.locator("progress#job-progress")
    expect(bar).to_have_attribute("value", "35")
    shoot(page, "import-progress")
    with scope(world.acme):
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, progress=100, result={"drafts": []}
        )
    # htmx polls every second and swaps in the result
    expect(page.get_by_role("heading", name="Imported whole-company.xlsx")).to_be_visible(
        timeout=5000
    )


def test_preview_of_a_whole_public_framework(page, live_server, world, tmp_path):
    from tests.data.build_workbooks import build_dropbox

    data = build_dropbox(tmp_path / "dropbox.xlsx").read_bytes()
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/spreadsheets/")
    choose(page, "dropbox.xlsx", data)
    expect(page.get_by_role("heading", name="Check the changes, then import")).to_be_visible()
    expect(page.locator(".xfer-family")).to_have_count(9)
    expect(page.locator(".xfer-stats")).to_contain_text("2,905")
    expect(page.get_by_text("60 new people")).to_be_visible()
    shoot(page, "import-preview-dropbox")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "import-preview-dropbox-390")
