"""Company sign-in in Chromium, end to end through the identity providers on loopback:
the login page → "Sign in with your company account" → the provider → back, logged in.
(Catches what the test client cannot: the Content-Security-Policy's form-action, cookies
on cross-site posts.)"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.sso.conftest import configure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _company_sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_role("button", name="Continue").click()


def test_oidc_sign_in_in_the_browser(page: Any, live_server: Any, world: Any, oidc: Any):
    configure(world, password_login=False)
    oidc.sign_in_as("emma@acme.test", "Emma Employee")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _company_sign_in(page, live_server, "emma@acme.test")
    expect(page).to_have_url(f"{live_server.url}/home/")
    expect(page.locator(".dropdown__who")).to_contain_text("emma@acme.test")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_saml_sign_in_in_the_browser(page: Any, live_server: Any, world: Any, saml: Any):
    saml.sign_in_as("max@acme.test", "Max", "Manager")
    _company_sign_in(page, live_server, "max@acme.test")
    page.get_by_role("button", name="Continue to the application").click()
    expect(page).to_have_url(f"{live_server.url}/home/")
    expect(page.locator(".dropdown__who")).to_contain_text("max@acme.test")
