"""Sign-up, e-mail verification, log in (and its rate limit), password reset, two-factor
authentication and the pages allauth shows, in our own look."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from organizations.models import Membership, Organization, Role
from organizations.scoping import scope
from people.models import Person
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def signup(client: Client, **overrides: str) -> Any:
    data = {
        "name": "Sam Signer",
        "email": "sam@initech.test",
        "password1": "a-long-password-1",
        "organization_name": "Initech",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def link_from(body: str, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body)
    assert match, body
    return match.group(1)


# --- our look ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "words"),
    [
        ("account_login", b"Forgotten your password?"),
        ("account_signup", b"14-day free trial"),
        ("account_reset_password", b"Send reset link"),
        ("account_reset_password_done", b"Check your e-mail"),
        ("account_email_verification_sent", b"Check your e-mail"),
    ],
)
def test_entrance_pages_use_the_app_shell(client, url_name, words):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content
    assert b"auth-card card" in body
    assert b'class="topbar"' in body
    assert words in body
    assert b"Sign In" not in body and b"Menu:" not in body  # allauth's bare defaults


def test_signup_page_says_trial_and_no_card(client):
    body = client.get(reverse("account_signup")).content.decode()
    assert "no card needed" in body
    for label in ("Your name", "Work e-mail", "Password", "Organization name"):
        assert label in body
    assert body.index("Your name") < body.index("Work e-mail") < body.index("Organization name")


def test_signup_errors_are_summarised(client):
    response = signup(client, name="", password1="short")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There are problems" in body
    assert 'href="#id_name"' in body
    assert "field--error" in body


def test_manage_pages_use_the_app_shell(world):
    client = world.client_for(world.owner)
    for name in ("account_change_password", "account_logout", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b"mainnav" in response.content, name
        assert b"Acme" in response.content  # the organization's shell, with its banner


# --- sign-up and e-mail verification -----------------------------------------------------


def test_signup_creates_a_trial_organization_after_verification(client):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    org = Organization.objects.get(name="Initech")
    assert org.on_trial and org.trial_days_left == 14
    with scope(org):
        membership = Membership.objects.get()
        assert membership.role == Role.OWNER
        assert membership.user.email == "sam@initech.test"
        assert Person.objects.get().name == "Sam Signer"
    # Not logged in until the address is confirmed.
    assert client.get(reverse("dashboard")).status_code == 302
    assert len(mail.outbox) == 1
    assert "Confirm your e-mail address" in mail.outbox[0].subject
    confirm_path = link_from(mail.outbox[0].body, "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert b"Confirm and continue" in page.content
    response = client.post(confirm_path)
    assert response.status_code == 302
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert b"Free trial: 14 days left." in dashboard.content
    # one success message, not "You have confirmed …" stacked on "Successfully signed in …"
    shown = [str(m) for m in dashboard.context["messages"]]
    assert len(shown) == 1 and "confirmed" in shown[0], shown


def test_unverified_user_cannot_log_in(client):
    signup(client)
    other = Client()
    response = other.post(
        reverse("account_login"), {"login": "sam@initech.test", "password": "a-long-password-1"}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert other.get(reverse("dashboard")).status_code == 302


def test_bad_confirmation_link(client):
    response = client.get("/accounts/confirm-email/not-a-key/")
    assert b"This link no longer works" in response.content


# --- log in --------------------------------------------------------------------------------


def test_login_and_logout(world, client):
    response = client.post(
        reverse("account_login"), {"login": "hana@acme.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_wrong_password_is_reported(world, client):
    response = client.post(
        reverse("account_login"), {"login": "hana@acme.test", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert b"do not match" in response.content


def test_repeated_failures_are_throttled(world, client, settings):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": "hana@acme.test", "password": "wrong-password"})
    # Even the right password is now refused for a while.
    response = client.post(url, {"login": "hana@acme.test", "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert client.get(reverse("dashboard")).status_code == 302
    # Another account is not affected.
    response = client.post(url, {"login": "max@acme.test", "password": PASSWORD})
    assert response.status_code == 302


# --- password reset ---------------------------------------------------------------------


def test_password_reset_by_email(world, client):
    response = client.post(reverse("account_reset_password"), {"email": "emma@acme.test"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["emma@acme.test"]
    assert "Reset your password" in mail.outbox[0].subject
    path = link_from(mail.outbox[0].body, "/accounts/password/reset/key/")
    page = client.get(path, follow=True)
    assert b"Choose a new password" in page.content
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    response = client.post(
        form_url, {"password1": "brand-new-password-9", "password2": "brand-new-password-9"}
    )
    assert response.status_code == 302
    world.employee.refresh_from_db()
    assert world.employee.check_password("brand-new-password-9")
    assert b"Your password has been changed" in client.get(response["Location"]).content


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@nowhere.test"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert "no account" in mail.outbox[0].body


def test_password_change(world):
    client = world.client_for(world.employee)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another-password-7", "password2": "nope"},
    )
    assert b"error-summary" in response.content


# --- a logged-in person without an organization ----------------------------------------


def test_create_organization(db):
    from tests.conftest import make_user

    user = make_user("lone@wolf.test", "Lone Wolf")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("dashboard"))["Location"] == reverse("no_organization")
    page = client.get(reverse("accounts:create_organization"))
    assert b"14-day free trial" in page.content
    assert b"error-summary" in client.post(reverse("accounts:create_organization"), {}).content
    response = client.post(reverse("accounts:create_organization"), {"name": "Wolf Pack"})
    assert response["Location"] == reverse("dashboard")
    org = Organization.objects.get(name="Wolf Pack")
    with scope(org):
        assert Membership.objects.get(user=user).role == Role.OWNER
    assert client.get(reverse("dashboard")).status_code == 200


def test_create_organization_needs_login(client):
    response = client.get(reverse("accounts:create_organization"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- two-factor authentication ---------------------------------------------------------------


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def password_login(client: Client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_required_mfa_sends_admins_to_set_up_then_lets_them_through(world):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    world.acme.require_mfa_for_admins = True
    world.acme.save()
    client = Client()
    password_login(client, "hana@acme.test")
    response = client.get(reverse("dashboard"))
    assert response["Location"] == reverse("mfa_required")
    assert b"Set up an authenticator app" in client.get(reverse("mfa_required")).content
    # Members are not asked.
    employee = world.client_for(world.employee)
    assert employee.get(reverse("dashboard")).status_code == 200

    # allauth asks for the password again before security changes.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(response["Location"])
    assert b"Confirm it\xe2\x80\x99s you" in page.content and b"auth-card" in page.content
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert "data:" in page["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in body  # the key to type when the code cannot be scanned
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert b"error-summary" in wrong.content
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert b"Your recovery codes" in codes.content
    assert client.get(reverse("dashboard")).status_code == 200

    # Next time, logging in asks for the code.
    fresh = Client()
    response = fresh.post(
        reverse("account_login"), {"login": "hana@acme.test", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    page = fresh.get(reverse("mfa_authenticate"))
    assert b"Enter the code from your app" in page.content
    assert b"auth-card" in page.content
    response = fresh.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert fresh.get(reverse("dashboard")).status_code == 200


def test_mfa_index_explains_the_requirement(world):
    world.acme.require_mfa_for_admins = True
    world.acme.save()
    client = world.client_for(world.hr)
    body = client.get(reverse("mfa_index")).content
    assert b"asks owners and HR admins to use an authenticator app" in body
    assert b"Set up an authenticator app" in body


def test_create_organization_respects_closed_signup(db, settings):
    from tests.conftest import make_user

    settings.SIGNUP_OPEN = False
    client = Client()
    client.force_login(make_user("lone@wolf.test"))
    response = client.post(reverse("accounts:create_organization"), {"name": "Wolf Pack"})
    assert response.status_code == 403
    assert b"Sign-up is closed" in response.content
    assert not Organization.objects.filter(name="Wolf Pack").exists()
    assert b"Sign-up is closed" in Client().get(reverse("account_signup")).content


def test_email_addresses_page_keeps_the_radio_values(world):
    body = world.client_for(world.employee).get(reverse("account_email")).content
    assert b'type="radio" name="email" value="emma@acme.test"' in body


def test_code_reauthentication_page_explains_itself(world):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=world.hr, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    page = world.client_for(world.hr).get(reverse("mfa_reauthenticate")).content.decode()
    assert "six-digit code" in page and reverse("mfa_reauthenticate") in page
    assert "Confirm it’s you" in page
