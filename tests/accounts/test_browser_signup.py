"""In a real browser: sign up, confirm the e-mail, invite a colleague, who accepts and
lands on the dashboard; an expired trial refuses changes. Screenshots of the account
pages at 1280 and 390 px go to screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import login as login_as
from tests.browser import shoot_widths
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


def shoot(page: Any, name: str, *, phone: bool = True) -> None:
    shoot_widths(page, f"accounts-{name}", phone=phone)


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def path_in_mail(pattern: str) -> str:
    for message in reversed(mail.outbox):
        match = re.search(rf"https?://[^/\s]+({pattern}\S*)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {pattern} link in {[m.subject for m in mail.outbox]}")


def test_sign_up_invite_a_colleague_who_joins(page, live_server, settings):
    settings.SITE_URL = live_server.url
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_text("14-day free trial · no card needed")).to_be_visible()
    shoot(page, "signup")

    # A first try with a short password shows the error summary.
    page.get_by_label("Your name").fill("Sam Signer")
    page.get_by_label("Work e-mail").fill("sam@initech.test")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Organization name").fill("Initech")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    shoot(page, "signup-error", phone=False)
    page.get_by_label("Password", exact=True).fill("a-long-password-1")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    shoot(page, "verification-sent", phone=False)

    page.goto(live_server.url + path_in_mail("/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.get_by_text("Free trial: 14 days left.")).to_be_visible()
    # Invite a colleague from the invitations page.
    page.goto(f"{live_server.url}/accounts/invitations/")
    page.get_by_label("Their name").fill("Cleo Colleague")
    page.get_by_label("Their work e-mail").fill("cleo@initech.test")
    page.get_by_label("Role").select_option("hr_admin")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to cleo@initech.test.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Cleo Colleague"))).to_be_visible()
    shoot(page, "invitations")
    page.goto(f"{live_server.url}/organization/members/")
    expect(page.get_by_text("Cleo Colleague")).to_be_visible()
    shoot(page, "members")

    # Log out from the user menu.
    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(live_server.url + path_in_mail("/accounts/invite/"))
    expect(page.get_by_role("heading", name="Join Initech")).to_be_visible()
    expect(page.get_by_text("cleo@initech.test")).to_be_visible()
    shoot(page, "invitation-accept")
    page.get_by_label("Choose a password").fill("cleos-own-password-2")
    page.get_by_role("button", name="Join Initech").click()
    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.get_by_text("Welcome to Initech.")).to_be_visible()
    expect(page.get_by_role("heading", name="Initech")).to_be_visible()
    shoot(page, "invited-dashboard", phone=False)


def test_expired_trial_is_read_only(page, live_server, world):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save()
    login_as(page, live_server, world.owner)
    page.goto(f"{live_server.url}/home/")
    banner = page.get_by_role("region", name="Subscription")
    expect(banner).to_be_visible()
    assert "Acme is read-only." in banner.inner_text()
    page.goto(f"{live_server.url}/organization/settings/")
    # a read-only organization is never offered a change it would refuse (issue 8, fix 1);
    # the POST itself is refused in tests/test_access_roles.py
    expect(page.get_by_label("Organization name")).to_have_count(0)
    expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
    shoot(page, "read-only-refused", phone=False)
    world.acme.refresh_from_db()
    assert world.acme.name == "Acme"


def test_login_and_two_factor_setup_pages(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    shoot(page, "login")
    page.get_by_label("E-mail address").fill("hana@acme.test")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    shoot(page, "login-error", phone=False)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/home/$"))

    page.goto(f"{live_server.url}/accounts/2fa/")
    shoot(page, "mfa-index", phone=False)
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Confirm it’s you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    qr = page.locator("img.qr-code")
    expect(qr).to_be_visible()
    # The data: URI image really rendered (CSP allows it): it has a natural size.
    assert qr.evaluate("img => img.naturalWidth") > 0
    shoot(page, "mfa-setup")

    # Type the code an authenticator app would show for the key on the page.
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    shoot(page, "mfa-recovery-codes")
    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.get_by_text("On", exact=True)).to_be_visible()


def test_password_pages(page, live_server, world, settings):
    settings.SITE_URL = live_server.url
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    shoot(page, "password-reset")
    page.get_by_label("E-mail address").fill("emma@acme.test")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    page.goto(live_server.url + path_in_mail("/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("emmas-new-password-3")
    page.get_by_label("New password again").fill("emmas-new-password-3")
    shoot(page, "password-reset-new", phone=False)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    world.employee.refresh_from_db()  # the new password changes the session hash
    login_as(page, live_server, world.employee)
    page.goto(f"{live_server.url}/accounts/password/change/")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    shoot(page, "password-change", phone=False)
    page.goto(f"{live_server.url}/accounts/logout/")
    expect(page.get_by_role("heading", name="Log out?")).to_be_visible()
    page.get_by_role("button", name="Log out").last.click()
    page.wait_for_url(f"{live_server.url}/")
