"""Helpers for the browser tests (marked `browser`): log a persona in without the login
form, and where screenshots go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


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
