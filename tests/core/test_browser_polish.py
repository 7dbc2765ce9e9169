"""Issue 8, fix 12: the editor's Undo button stays on a 390 px screen, and breadcrumbs end
with their last link, not with a stray "›". Screenshots go to screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.frameworks.test_browser_editor import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def test_undo_fits_a_phone_and_breadcrumbs_end_in_a_link(page, live_server, world):
    from frameworks.library import load_template
    from frameworks.models import Competency, Level
    from frameworks.services import apply_family_data
    from frameworks.services.editing import edit_cell_statements

    with scope(world.acme):
        draft = apply_family_data(
            world.acme, load_template("product-management"), actor=world.hr, source="template"
        )
        comp = Competency.objects.filter(version=draft).order_by("-id").first()
        comp.name = "Customer discovery, research and evidence-based prioritisation"
        comp.save(update_fields=["name"])
        level = Level.objects.filter(version=draft).order_by("-rank").first()
        edit_cell_statements(
            draft,
            competency_uid=comp.uid,
            level_uid=level.uid,
            statements=[("Sets the discovery practice for the whole product group.", [])],
            actor=world.hr,
            expected_revision=None,
        )
    login(page, live_server, world.hr)
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/frameworks/{draft.family.public_id}/edit/")
        undo = page.locator("#undo-button")
        expect(undo).to_contain_text("Undo: Edit Customer discovery")
        box = undo.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        # the page itself does not scroll sideways because of the toolbar
        toolbar = page.locator(".editor-toolbar").bounding_box()
        assert toolbar is not None and toolbar["x"] + toolbar["width"] <= width, toolbar
        crumbs = page.locator(".breadcrumbs").inner_text().strip()
        assert not crumbs.endswith("›"), crumbs
        page.screenshot(path=str(SHOTS / f"polish-editor-undo-{width}.png"))

    # A breadcrumb trail that used to end in "›" (the person form) ends with its link.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/people/{world.p_employee.public_id}/edit/")
    crumbs = page.locator(".breadcrumbs")
    expect(crumbs.get_by_role("link", name="Emma Employee")).to_be_visible()
    assert crumbs.inner_text().strip().endswith("Emma Employee")
    page.screenshot(path=str(SHOTS / "polish-breadcrumbs-390.png"))


def test_no_breadcrumb_template_ends_in_a_separator():
    """Every breadcrumb trail in the templates ends with its last item (a link or the
    page's name), whatever its conditions."""
    import re
    import subprocess

    root = Path(__file__).resolve().parents[2]
    files = subprocess.run(
        ["git", "ls-files", "*.html"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    nav = re.compile(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', re.S)
    trailing = re.compile(r"›\s*(\{%[^%]*%\}\s*)*$")
    found = []
    for name in files:
        for body in nav.findall((root / name).read_text()):
            if trailing.search(body) or re.search(r"›\s*\{% endif %\}", body):
                found.append(name)
    assert not found, found


def test_an_employee_is_asked_you_on_their_ladder(page, live_server, world):
    """Issue 8, fix 10: "Do you find and rank…" on the employee's own ladder, and no
    Templates menu item for them."""
    from tests.frameworks.test_addressing import place_emma_on_pm

    place_emma_on_pm(world)
    login(page, live_server, world.employee)
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/frameworks/my-ladder/")
        expect(page.locator(".ladder-card--current")).to_contain_text(
            "Do you find and rank the problems in your area"
        )
        expect(page.locator("body")).not_to_contain_text("Do they find")
        assert page.locator('a[href="/frameworks/templates/"]').count() == 0
        page.screenshot(path=str(SHOTS / f"polish-my-ladder-{width}.png"))


NAV_TOPS = """() => {
  const list = document.getElementById('mainnav-list');
  const toggle = document.querySelector('.mainnav__toggle');
  return {
    items: list.children.length,
    folded: getComputedStyle(toggle).display !== 'none',
    shown: getComputedStyle(list).display !== 'none',
    tops: [...list.children].map((li) => Math.round(li.getBoundingClientRect().top)),
  };
}"""


def test_a_long_menu_is_on_one_line_or_behind_menu_at_every_width(page, live_server, world):
    """HR's menu (nine or ten entries) never wraps onto a second line: on one line from
    1100 px, folded behind "Menu" below it; the employee's short menu stays open to 901 px."""
    from tests.browser import login as login_as

    login_as(page, live_server, world.hr)
    for width in (1440, 1280, 1279, 1200, 1100, 1099, 1000, 901):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/home/")
        nav = page.evaluate(NAV_TOPS)
        assert nav["items"] > 7, nav
        if width >= 1100:
            assert not nav["folded"] and len(set(nav["tops"])) == 1, (width, nav)
        else:
            assert nav["folded"] and not nav["shown"], (width, nav)
            page.get_by_role("button", name="Menu").click()
            expect(page.get_by_role("link", name="Import & export")).to_be_visible()
    login_as(page, live_server, world.employee)
    for width in (1280, 1000, 901):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/home/")
        nav = page.evaluate(NAV_TOPS)
        assert nav["items"] <= 7 and not nav["folded"], (width, nav)
        assert len(set(nav["tops"])) == 1, (width, nav)
