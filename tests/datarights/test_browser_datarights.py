"""In Chromium: HR erases a person who left (the confirmation page lists what goes and
what stays, and why), the owner builds a full export and schedules then cancels the
organization's deletion, the employee finds "Your data". Screenshots at 1280 and 390 px
go to var/screenshots/ (looked at by a person); no console errors; phones fit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from organizations.scoping import scope
from people.services import set_active
from tests.core.test_browser_pages import errors_of, login
from tests.datarights.factories import rich_emma

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"datarights-{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_erase_a_leaver_export_and_schedule_the_organizations_deletion(page, live_server, world):
    with scope(world.acme):
        rich = rich_emma(world)
        set_active(rich.team.emma, actor=world.hr, active=False)
    emma = rich.team.emma
    errors = errors_of(page)

    # HR: the person page offers the export and the erasure
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/people/{emma.public_id}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Personal data"))
    expect(panel.get_by_role("link", name="Download (Excel)")).to_be_visible()
    panel.get_by_role("link", name="Erase personal data…").click()
    expect(page.get_by_role("heading", name="Erase Emma Employee's personal data?")).to_be_visible()
    kept = page.locator("section", has=page.get_by_role("heading", name="Kept, and why"))
    expect(kept).to_contain_text("Promotion cases")
    expect(kept).to_contain_text("employment decision")
    _shots(page, "erase-confirm")
    page.get_by_role("button", name="Erase personal data").click()
    expect(page.locator(".error-summary")).to_contain_text("Tick the box")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase personal data").click()
    expect(page.locator(".notice--success")).to_contain_text("personal data was erased")
    expect(page.get_by_role("heading", name="Erased person", exact=False).first).to_be_visible()
    _shots(page, "erased-person")

    # the owner: a full export, then the deletion scheduled and cancelled
    login(page, live_server, world.owner)
    page.goto(f"{live_server.url}/organization/settings/")
    page.get_by_role("link", name="Export or delete").click()
    page.get_by_role("button", name="Make a full export").click()
    expect(page.get_by_role("link", name="Download the zip", exact=False)).to_be_visible()
    _shots(page, "organization-export")
    page.get_by_label("Type the organization's name to confirm").fill("Acme")
    page.get_by_role("button", name="Schedule the deletion").click()
    expect(page.get_by_text("Acme will be deleted on").first).to_be_visible()
    _shots(page, "organization")
    page.get_by_role("button", name="Cancel the deletion").click()
    expect(page.get_by_text("The deletion was cancelled")).to_be_visible()

    # the employee (the manager, still here) downloads their own
    login(page, live_server, world.manager)
    page.goto(f"{live_server.url}/data-rights/my-data/")
    expect(page.get_by_role("link", name="Download (Excel)")).to_be_visible()
    _shots(page, "my-data")
    assert [e for e in errors if "status of 400" not in e] == []  # the unticked box answers 400


def test_a_read_only_organization_erases_an_active_manager(page, live_server, world):
    """The trial has ended: the owner erases Max, still active with a report. The page says
    he will be deactivated first and where his report goes; the erasure goes through."""
    import datetime as dt

    from django.utils import timezone

    from organizations.models import Organization

    Organization.objects.filter(pk=world.acme.pk).update(
        trial_ends_at=timezone.now() - dt.timedelta(days=1)
    )
    max_ = world.p_manager
    errors = errors_of(page)
    login(page, live_server, world.owner)
    page.goto(f"{live_server.url}/people/{max_.public_id}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Personal data"))
    expect(panel).to_contain_text("erasing their personal data deactivates them first")
    panel.get_by_role("link", name="Erase personal data…").click()
    notice = page.locator(".notice--warning").first
    expect(notice).to_contain_text("Max Manager is still active: they will be deactivated first")
    expect(notice).to_contain_text("Their 1 report (Emma Employee) will report to nobody")
    _shots(page, "erase-read-only-active")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase personal data").click()
    expect(page.locator(".notice--success")).to_contain_text("personal data was erased")
    assert errors == []
