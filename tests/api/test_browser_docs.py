"""The interactive API docs and the tokens page in Chromium: they render, log no error
(a CSP violation shows up as one) and fit a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.core.test_browser_pages import errors_of, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_render_under_the_csp(page, live_server, world):
    errors = errors_of(page)
    page.goto(live_server.url + "/api/v1/docs")
    # Swagger UI renders after fetching and parsing the whole schema (about a second
    # alone, several on a busy CI machine): wait for the schema, not a fixed 5 s
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Career Ladder Builder API", timeout=30_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=30_000)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/people").count() >= 2
    assert errors == []


def test_tokens_page_makes_a_token_on_a_phone(page, live_server, world):
    login(page, live_server, world.employee)
    errors = errors_of(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/settings/api-tokens/")
    page.get_by_label("What is it for?").fill("Reminder script")
    page.get_by_role("button", name="Make token").click()
    expect(page.locator("#new-token")).to_have_value(re.compile(r"^clb_"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
