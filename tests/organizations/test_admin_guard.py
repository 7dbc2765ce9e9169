"""Finding 2 of the hardening review: the operator's /admin/ login is throttled (the
product's own rate-limited login), staff need two-step verification, and the operator
can restrict it to networks."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

OPERATOR_PASSWORD = "a-long-password-1"


def mfa_client(user: Any, **client_kwargs: Any) -> Client:
    """A client logged in as `user` as if with password and authenticator code."""
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    client = Client(**client_kwargs)
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp", "at": 1.0}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def superuser(db: Any) -> Any:
    from allauth.account.models import EmailAddress

    cache.clear()
    user = get_user_model().objects.create_superuser("op", "op@clb.test", OPERATOR_PASSWORD)
    # the operator confirmed the address on the first login (e-mail verification is on)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_the_admin_password_form_is_never_processed(superuser):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "op", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # and the page itself sends people to the product's login
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith(reverse("account_login"))


def test_admin_login_is_throttled_after_five_wrong_passwords(superuser):
    """Before: 40 wrong passwords, then the right one worked."""
    client = Client()
    url = reverse("account_login")
    for i in range(5):
        client.post(url, {"login": "op@clb.test", "password": f"wrong-{i}"})
    response = client.post(url, {"login": "op@clb.test", "password": OPERATOR_PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert client.get("/admin/").status_code == 302


def test_staff_without_an_authenticator_are_sent_to_set_one_up(superuser):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "op@clb.test", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/admin/organizations/organization/").status_code == 302


def test_staff_with_an_authenticator_must_have_used_it(superuser):
    TOTP.activate(superuser, "JBSWY3DPEHPK3PXP")
    password_only = Client()
    password_only.force_login(superuser)
    response = password_only.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert mfa_client(superuser).get("/admin/").status_code == 200


def test_a_full_login_with_the_code_opens_the_admin(superuser):
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(superuser, secret)
    client = Client()
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": "op@clb.test", "password": OPERATOR_PASSWORD},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_answers_404_outside_the_allowed_networks(superuser, settings):
    settings.ADMIN_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    outside = mfa_client(superuser, REMOTE_ADDR="203.0.113.5")
    assert outside.get("/admin/").status_code == 404
    assert outside.get("/admin/login/").status_code == 404
    assert outside.get("/admin/organizations/organization/").status_code == 404
    inside = mfa_client(superuser, REMOTE_ADDR="10.2.3.4")
    assert inside.get("/admin/").status_code == 200
    # through the trusted proxy, the forwarded client address decides
    proxied_in = mfa_client(superuser, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert proxied_in.get("/admin/").status_code == 200
    proxied_out = mfa_client(superuser, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert proxied_out.get("/admin/").status_code == 404
    # a spoofed header from outside does not help
    spoofed = mfa_client(superuser, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert spoofed.get("/admin/").status_code == 404
    # the rest of the product is not affected
    assert outside.get(reverse("landing")).status_code == 200
