"""Operator tools: the management commands and the Django admin."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from organizations.models import AuditEntry, Membership, Organization, Role
from organizations.scoping import scope, unscoped

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- create_organization -------------------------------------------------------------------


def test_create_organization_with_a_new_owner():
    out = run(
        "create_organization",
        "--name",
        "Umbrella",
        "--slug",
        "umbrella",
        "--owner",
        "Alice@Umbrella.test",
        "--password",
        "a-long-password-1",
    )
    assert "Created login alice@umbrella.test (with the given password)" in out
    assert "Created organization 'Umbrella' (slug umbrella)" in out
    org = Organization.objects.get(slug="umbrella")
    assert org.on_trial and org.trial_days_left == 14
    user = get_user_model().objects.get(email="alice@umbrella.test")
    assert user.check_password("a-long-password-1")
    with scope(org):
        assert Membership.objects.get(user=user).role == Role.OWNER
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "alice@umbrella.test", "password": "a-long-password-1"}
    )
    assert response.status_code == 302  # the e-mail is verified: they can log in at once


def test_create_organization_for_an_existing_user(world):
    out = run(
        "create_organization",
        "--name",
        "Acme Labs",
        "--slug",
        "acme-labs",
        "--owner",
        "hana@acme.test",
    )
    assert "Using the existing login hana@acme.test" in out
    with unscoped():
        assert Membership.objects.filter(user=world.hr).count() == 2


def test_create_organization_without_password_gets_an_unusable_one():
    run("create_organization", "--name", "Hooli", "--slug", "hooli", "--owner", "gavin@hooli.test")
    user = get_user_model().objects.get(email="gavin@hooli.test")
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug", "acme", "--owner", "new@x.test"], "is taken"),
        (["--slug", "Not A Slug", "--owner", "new@x.test"], "not a valid slug"),
        (["--slug", "fine", "--owner", "not-an-email"], "not a valid e-mail"),
    ],
)
def test_create_organization_errors(world, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_organization", "--name", "Whatever", *args)
    # Nothing half-made: no stray login for the failed attempt.
    assert not get_user_model().objects.filter(email="new@x.test").exists()


def test_create_organization_exit_code(world):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "create_organization", "--name", "X", "--slug", "x"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TESTING": "1"},
    )
    assert result.returncode != 0
    assert "--owner" in result.stderr


# --- activate_organization and extend_trial ---------------------------------------------


def test_activate_organization(world):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save()
    out = run("activate_organization", "acme")
    assert "Activated Acme (acme): Free trial → Active." in out
    world.acme.refresh_from_db()
    assert world.acme.plan == Organization.Plan.ACTIVE and not world.acme.is_read_only
    assert "already active" in run("activate_organization", "acme")
    with scope(world.acme):
        assert AuditEntry.objects.filter(action="organization.activated").count() == 1


def test_activate_unknown_organization():
    with pytest.raises(CommandError, match="No organization with the slug 'nope'"):
        run("activate_organization", "nope")


def test_extend_trial(world):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=3)
    world.acme.save()
    out = run("extend_trial", "acme", "--days", "10")
    assert "Extended the trial of Acme (acme) by 10 days" in out
    assert "(10 days left)" in out
    world.acme.refresh_from_db()
    assert world.acme.trial_days_left == 10


def test_extend_trial_errors(world):
    with pytest.raises(CommandError, match="at least one day"):
        run("extend_trial", "acme", "--days", "0")
    with pytest.raises(CommandError, match="No organization"):
        run("extend_trial", "nope", "--days", "5")
    run("activate_organization", "acme")
    with pytest.raises(CommandError, match="is active"):
        run("extend_trial", "acme", "--days", "5")


# --- the Django admin ---------------------------------------------------------------------


@pytest.fixture
def operator(db):  # type: ignore[no-untyped-def]
    from tests.organizations.test_admin_guard import mfa_client

    user = get_user_model().objects.create_superuser("op", "op@clb.test", "a-long-password-1")
    return mfa_client(user)  # the admin needs two-step verification


def test_admin_lists_organizations_with_plan_and_trial(world, operator):
    response = operator.get("/admin/organizations/organization/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme" in body and "Globex" in body and "Free trial" in body
    assert "Extend trial by 14 days" in body and "Activate" in body


def test_admin_actions_call_the_services(world, operator):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save()
    response = operator.post(
        "/admin/organizations/organization/",
        {"action": "extend_trial_14_days", "_selected_action": [world.acme.pk]},
    )
    assert response.status_code == 302
    world.acme.refresh_from_db()
    assert world.acme.trial_days_left == 14
    operator.post(
        "/admin/organizations/organization/",
        {"action": "activate", "_selected_action": [world.globex.pk]},
    )
    world.globex.refresh_from_db()
    assert world.globex.plan == Organization.Plan.ACTIVE
    with scope(world.acme):
        assert AuditEntry.objects.filter(action="organization.trial_extended").exists()


def test_admin_membership_and_audit_pages(world, operator):
    assert operator.get("/admin/organizations/membership/").status_code == 200
    response = operator.get("/admin/organizations/auditentry/")
    assert response.status_code == 200
    with unscoped():
        entry = AuditEntry.objects.filter(organization=world.acme).first()
    assert operator.get("/admin/organizations/auditentry/add/").status_code == 403
    detail = operator.get(f"/admin/organizations/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # view only
    response = operator.post(f"/admin/organizations/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    with unscoped():
        assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_invitations_are_read_only_and_hide_the_hash(world, operator):
    from accounts.services import invite_by_email

    with scope(world.acme):
        invitation = invite_by_email(
            world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
        )
    detail = operator.get(f"/admin/accounts/invitation/{invitation.pk}/change/")
    assert detail.status_code == 200
    assert invitation.token_hash.encode() not in detail.content
    assert operator.get("/admin/accounts/invitation/add/").status_code == 403
