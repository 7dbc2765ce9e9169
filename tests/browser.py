"""Helpers for the browser tests (marked `browser`): log a persona in without the login
form, and where screenshots go (at a desktop and a phone width)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot_widths(page: Any, stem: str, *, phone: bool = True) -> None:
    """Screenshots of the whole page at 1280 px wide (`stem`-1280.png) and, unless not
    wanted, at 390 px (`stem`-390.png); the page is left at 1280 px."""
    SHOTS.mkdir(exist_ok=True)
    sizes = {"1280": DESKTOP, "390": PHONE} if phone else {"1280": DESKTOP}
    for label, size in sizes.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{stem}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def login(page: Any, live_server: Any, user: Any) -> None:
    """Give the page's browser context a session of `user` (replacing any other)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def submit(page: Any) -> None:
    """Submit the open review form, accepting the confirmation."""
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator(".notice--success")).to_contain_text("submitted")


def finalize_and_release(page: Any) -> None:
    """On the calibration page: finalize the ratings and release the results."""
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Finalize calibration").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Release the results").click()
    expect(page.locator(".notice--success")).to_contain_text("released")


def publish_in_editor(page: Any, base: str, *, cell: str, text: str, note: str) -> None:
    """HR, in the framework editor: start a draft of the one framework, rewrite the first
    statement of the (own, not carried) cell that shows `cell` as `text`, publish v2."""
    page.goto(base + "/frameworks/")
    page.get_by_role("button", name="Start a draft").click()
    expect(page.locator("#editor-status")).to_be_visible()
    page.wait_for_load_state()  # htmx has wired the cells: a click opens the editor
    page.locator("#matrix td:not(.is-carried)", has_text=cell).click()
    editing = page.locator("td.matrix__cell--editing textarea").first
    editing.fill(text)  # one statement a box
    editing.press("Control+Enter")
    expect(page.locator("#editor-status")).to_contain_text("Saved at")
    page.get_by_role("link", name="Publish v2…").click()
    page.get_by_label("What changed in this version?").fill(note)
    flagged = page.get_by_label("Why publish with flagged statements?")
    if flagged.count():  # the checker flags the short test statements
        flagged.fill("Test ladder.")
    page.get_by_role("button", name="Publish v2").click()
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
