"""E-mails printed by `make run` can be copied from the terminal and followed; the
development outbox lists them with clickable links, only where it should."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsole
from django.test import Client
from django.urls import reverse

from core.mail import ConsoleEmailBackend, stored_messages

pytestmark = pytest.mark.django_db

LONG_LINK = "http://127.0.0.1:8000/accounts/confirm-email/MQ:1vQ2nK:" + "abcdefghij" * 6 + "/"


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def terminal(settings: Any, tmp_path: Any) -> io.StringIO:
    """The terminal `make run` prints to: our console backend writing to a buffer."""
    stream = io.StringIO()
    settings.MAILERS = {
        "default": {"BACKEND": "core.mail.ConsoleEmailBackend", "OPTIONS": {"stream": stream}}
    }
    settings.DEV_OUTBOX_DIR = str(tmp_path / "outbox")
    return stream


def copy_link(output: str, path: str) -> str:
    """What a person does: find the link in the terminal and copy the whole line's URL."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", output)
    assert match, output
    return match.group(1)


def test_django_console_mangles_links_ours_does_not():
    message = EmailMessage("Hi", f"Hello Zoë, confirm: {LONG_LINK}\n", to=["a@b.test"])
    django_out, our_out = io.StringIO(), io.StringIO()
    DjangoConsole(stream=django_out).send_messages([message])
    ConsoleEmailBackend(stream=our_out).send_messages([message])
    assert LONG_LINK not in django_out.getvalue()  # the bug: quoted-printable, "=" breaks
    assert LONG_LINK in our_out.getvalue()
    assert "Hello Zoë" in our_out.getvalue()
    assert "Subject: Hi" in our_out.getvalue() and "To: a@b.test" in our_out.getvalue()


def test_a_sign_up_link_copied_from_the_terminal_works(terminal, settings):
    settings.DEV_OUTBOX = False
    client = Client()
    client.post(
        reverse("account_signup"),
        {
            "name": "Zoë Ångström-Lindqvist",
            "email": "zoe.angstrom-lindqvist@a-rather-long-company-name.test",
            "password1": "a-long-password-1",
            "organization_name": "Ångström & Lindqvist Engineering Consultancy",
        },
    )
    output = terminal.getvalue()
    assert "=\n" not in output and "=C3" not in output
    confirm = copy_link(output, "/accounts/confirm-email/")
    assert b"Confirm and continue" in client.get(confirm).content
    client.post(confirm)
    assert client.get(reverse("dashboard")).status_code == 200
    assert stored_messages() == []  # the outbox is off


def test_an_invitation_link_copied_from_the_terminal_works(
    terminal, world, settings, django_capture_on_commit_callbacks
):
    from accounts.services import invite_by_email
    from organizations.scoping import scope

    settings.SITE_URL = "http://testserver"
    with scope(world.acme), django_capture_on_commit_callbacks(execute=True):
        invite_by_email(
            world.acme, email="ines@acme.test", name="Inès Invitée", role="member", actor=world.hr
        )
    link = copy_link(terminal.getvalue(), "/accounts/invite/")
    page = Client().get(link)
    assert page.status_code == 200
    assert b"Join Acme" in page.content


def test_the_outbox_lists_sent_mail_with_clickable_links(terminal, settings, world):
    settings.DEV_OUTBOX = True
    ConsoleEmailBackend(stream=io.StringIO()).send_messages(
        [EmailMessage("Confirm your address", f"Open {LONG_LINK}\n", to=["a@b.test"])]
    )
    page = Client().get(reverse("dev_outbox"))  # the test client comes from 127.0.0.1
    assert page.status_code == 200
    body = page.content.decode()
    assert "Confirm your address" in body
    assert f'<a href="{LONG_LINK}"' in body


@pytest.mark.parametrize(
    ("remote", "headers", "staff", "status"),
    [
        ("127.0.0.1", {}, False, 200),
        ("::1", {}, False, 200),
        ("10.0.0.7", {}, False, 404),  # someone else on the network
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, False, 404),  # via a proxy
        ("10.0.0.7", {}, True, 200),  # a staff user may look from anywhere
    ],
)
def test_the_outbox_is_for_this_machine_or_staff(settings, world, remote, headers, staff, status):
    settings.DEV_OUTBOX = True
    client = Client(REMOTE_ADDR=remote, **headers)
    if staff:
        world.outsider.is_staff = True
        world.outsider.save(update_fields=["is_staff"])
        client.force_login(world.outsider)
    assert client.get(reverse("dev_outbox")).status_code == status


def test_the_outbox_is_off_unless_make_run_turns_it_on(settings):
    settings.DEV_OUTBOX = False
    assert Client().get(reverse("dev_outbox")).status_code == 404


def test_settings_never_turn_the_outbox_on_with_https_or_smtp(monkeypatch):
    import importlib

    import clb.settings as module

    for env, expected in [
        ({"DEV_OUTBOX": "1", "SECURE_HTTPS": "0"}, True),
        ({"DEV_OUTBOX": "1", "SECURE_HTTPS": "1"}, False),
        (
            {
                "DEV_OUTBOX": "1",
                "SECURE_HTTPS": "0",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            },
            False,
        ),
        ({"SECURE_HTTPS": "0"}, False),  # off unless asked for (or DEBUG)
    ]:
        for key in ("DEV_OUTBOX", "SECURE_HTTPS", "EMAIL_BACKEND", "DEBUG"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        assert importlib.reload(module).DEV_OUTBOX is expected, env
    monkeypatch.undo()
    importlib.reload(module)
