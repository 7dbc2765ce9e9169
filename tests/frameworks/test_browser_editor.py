"""An HR admin edits a ladder in place, undoes a mistake, publishes v1 and v2 and reads
the diff; an employee sees their ladder and next step. Screenshots go to screenshots/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from organizations.scoping import scope
from tests.browser import login
from tests.factories import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def shoot(page: Any, name: str, *, full: bool = True) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def test_edit_undo_publish_diff_and_ladder(page, live_server, world):
    from frameworks.library import load_template
    from frameworks.models import Level
    from frameworks.services import apply_family_data

    with scope(world.acme):
        draft = apply_family_data(
            world.acme, load_template("product-management"), actor=world.hr, source="template"
        )
        family = draft.family
        first_level = Level.objects.filter(version=draft).order_by("rank", "position").first()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/frameworks/")
    expect(page.get_by_role("heading", name="Frameworks", exact=True)).to_be_visible()
    page.get_by_role("link", name="Edit draft").click()
    expect(page.locator("#matrix")).to_be_visible()
    shoot(page, "editor-1280", full=False)

    # Edit a statement inline: click the cell, type, save; the row updates and says Saved.
    row = page.locator("#matrix tbody tr[id^=row-]").first
    cell = row.locator("td").first
    cell.click()
    textarea = page.locator("td.matrix__cell--editing textarea").first
    expect(textarea).to_be_visible()
    textarea.fill("Writes a one-page brief for every feature before work starts.")
    page.locator("td.matrix__cell--editing").get_by_label("Written artifact").first.check()
    shoot(page, "editor-cell-open", full=False)
    page.locator("td.matrix__cell--editing").get_by_role("button", name="Save").click()
    expect(page.locator("#editor-status")).to_contain_text("Saved at")
    expect(row).to_contain_text("Writes a one-page brief for every feature")
    revisions = page.locator("input.draft-revision").evaluate_all(
        "els => [...new Set(els.map(e => e.value))]"
    )
    with scope(world.acme):
        draft.refresh_from_db()
    assert revisions == [str(draft.revision)]
    shoot(page, "editor-saved", full=False)

    # Undo it.
    undo = page.locator("#undo-button")
    expect(undo).to_contain_text("Undo: Edit")
    undo.click()
    expect(page.locator("#editor-status")).to_contain_text("Undone")
    expect(page.locator("#matrix")).not_to_contain_text("Writes a one-page brief for every feature")

    # A second admin's stale page is refused with a clear message.
    page.locator("#matrix tbody tr[id^=row-]").nth(1).locator("td").nth(1).click()
    page.locator("td.matrix__cell--editing textarea").first.fill("Typed on a stale page")
    with scope(world.acme):
        from frameworks.services import bump_revision

        bump_revision(draft, None)
    page.locator("td.matrix__cell--editing").get_by_role("button", name="Save").click()
    expect(page.locator("td.matrix__cell--editing")).to_contain_text(
        "Someone else changed this draft"
    )
    expect(page.locator("td.matrix__cell--editing textarea").first).to_have_value(
        "Typed on a stale page"
    )
    stale_row = page.locator("#matrix tbody tr[id^=row-]").nth(1)
    expect(stale_row.locator("th")).to_have_count(1)
    expect(stale_row.locator("td.matrix__cell--editing")).to_have_count(1)
    shoot(page, "editor-stale", full=False)
    page.reload()

    # Publish v1.
    page.get_by_role("link", name="Publish v1…").click()
    expect(page.locator(".publish-summary")).to_contain_text("This publishes v1 of Product")
    page.get_by_label("What changed in this version?").fill("First version of our PM ladder")
    reason = page.get_by_label("Why publish with flagged statements?")
    if reason.count():  # the checker still flags statements: say why (issue 8)
        reason.fill("Agreed with the PM leads; we rewrite the flagged ones next.")
    page.get_by_role("button", name="Publish v1").click()
    expect(page.locator(".messages")).to_contain_text("v1 of Product Management is published")

    # Place Emma on the first level, then edit a draft and publish v2.
    with scope(world.acme):
        v1_level = Level.objects.get(version__number=1, version__family=family, uid=first_level.uid)
        place(world.p_employee, v1_level, actor=world.hr)
    page.get_by_role("button", name="Start a draft from v1").click()
    expect(page.locator("#matrix")).to_be_visible()
    page.locator("#matrix tbody tr[id^=row-]").first.locator("td").nth(1).click()
    # Esc closes the cell editor; Ctrl+Enter saves.
    page.locator("td.matrix__cell--editing textarea").first.press("Escape")
    expect(page.locator("td.matrix__cell--editing")).to_have_count(0)
    page.locator("#matrix tbody tr[id^=row-]").first.locator("td").nth(1).click()
    textarea = page.locator("td.matrix__cell--editing textarea").first
    textarea.fill("Runs discovery interviews with customers and shares what was learned.")
    textarea.press("Control+Enter")
    expect(page.locator("#editor-status")).to_contain_text("Saved at")
    page.get_by_role("link", name="Publish v2…").click()
    expect(page.locator(".publish-summary")).to_contain_text(
        "This publishes v2 of Product Management; 1 person moves to the new version."
    )
    page.get_by_label("What changed in this version?").fill("Clearer discovery expectations")
    reason = page.get_by_label("Why publish with flagged statements?")
    if reason.count():  # the checker still flags statements: say why (issue 8)
        reason.fill("Agreed with the PM leads; we rewrite the flagged ones next.")
    page.get_by_role("button", name="Publish v2").click()
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
    shoot(page, "version-history")

    # The v1 → v2 diff.
    page.get_by_role("link", name="Changes since v1").first.click()
    expect(page.locator("h1")).to_contain_text("v1 → v2")
    expect(page.locator(".diff-statement").first).to_contain_text("Runs discovery interviews")
    shoot(page, "diff")
    page.locator(".breadcrumbs").get_by_role("link", name="Product Management").click()
    page.get_by_role("link", name="View v2").click()
    expect(page.locator("h1")).to_contain_text("v2")
    expect(page.locator("#matrix")).to_contain_text("Runs discovery interviews")
    assert page.locator(".matrix__cell-edit").count() == 0
    shoot(page, "version", full=False)

    # The employee sees their ladder and the next step.
    login(page, live_server, world.employee)
    page.goto(f"{live_server.url}/frameworks/my-ladder/")
    expect(page.get_by_role("heading", name="My ladder")).to_be_visible()
    expect(page.locator(".ladder-card--current")).to_contain_text(first_level.title)
    expect(page.locator(".ladder-card--next").first).to_be_visible()
    expect(page.locator("#matrix th.is-current")).to_contain_text("You are here")
    shoot(page, "my-ladder-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shoot(page, "my-ladder-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The PDF of the ladder: save it and turn its first page into a PNG to look at.
    # WeasyPrint takes seconds on a busy 2-core machine: allow more than the default 30 s
    pdf = page.request.get(
        f"{live_server.url}/frameworks/ladder/{world.p_employee.public_id}/pdf/", timeout=120_000
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (SHOTS / "ladder.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(SHOTS / "ladder.pdf"), str(SHOTS / "ladder-pdf")],
            check=True,
        )
    assert not errors, errors


def test_editor_at_390_and_empty_ladder(page, live_server, world):
    from tests.framework_fixtures import load, small_family

    with scope(world.acme):
        draft = load(world.acme, small_family(), actor=world.hr)
    login(page, live_server, world.hr)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/frameworks/{draft.family.public_id}/edit/")
    expect(page.locator("#matrix")).to_be_visible()
    shoot(page, "editor-390", full=False)
    login(page, live_server, world.employee)
    page.goto(f"{live_server.url}/frameworks/my-ladder/")
    expect(page.get_by_text("You are not on a ladder yet")).to_be_visible()
    shoot(page, "my-ladder-empty-390")


def test_add_a_level_and_a_competency(page, live_server, world):
    from tests.framework_fixtures import load, small_family

    with scope(world.acme):
        draft = load(world.acme, small_family(), actor=world.hr)
    login(page, live_server, world.hr)
    page.goto(f"{live_server.url}/frameworks/")
    shoot(page, "frameworks-index")
    page.goto(f"{live_server.url}/frameworks/{draft.family.public_id}/edit/")
    page.get_by_role("link", name="+ Level").click()
    # The form opens in a panel above the matrix; a mistake keeps it open with the error.
    panel = page.locator("#editor-panel")
    expect(panel.get_by_role("heading", name="Add a level")).to_be_visible()
    panel.get_by_label("Code").fill("PM2")
    panel.get_by_label("Title").fill("Duplicate")
    panel.get_by_role("button", name="Add level").click()
    expect(panel.locator(".error-summary")).to_contain_text("There is already a level PM2")
    page.get_by_label("Code").fill("PM5")
    page.get_by_label("Title").fill("Principal PM")
    page.get_by_label("IC", exact=True).check()
    page.get_by_label("Rank").fill("5")
    page.get_by_label("Scope").fill("Portfolio")
    shoot(page, "level-form")
    page.get_by_role("button", name="Add level").click()
    expect(page.locator("#editor-status")).to_contain_text("Level PM5 added")
    expect(panel).to_be_empty()
    expect(page.locator("#matrix thead")).to_contain_text("Principal PM")
    # The new level is undoable from the editor.
    expect(page.locator("#undo-button")).to_contain_text("Undo: Add level PM5")
    page.get_by_role("link", name="+ Competency").click()
    panel.get_by_label("Competency name").fill("Delivery")
    panel.get_by_label("Category").select_option(label="Leadership")
    panel.get_by_role("button", name="Add competency").click()
    expect(page.locator("#matrix tbody")).to_contain_text("Delivery")
    # Move the new competency up through its menu (htmx re-renders the editor).
    row = page.locator("#matrix tbody tr", has_text="Delivery")
    row.locator("summary").click()
    shoot(page, "editor-menu", full=False)
    row.get_by_role("button", name="Move up").click()
    expect(page.locator("#editor-status")).to_contain_text("Moved Delivery")
    names = page.locator("#matrix tbody th[scope=row] .matrix__name").all_inner_texts()
    assert names[-2:] == ["Delivery", "Communication"]
    page.goto(f"{live_server.url}/frameworks/{draft.family.public_id}/publish/")
    shoot(page, "publish")
