"""The members page: who can log in, their role; owners change roles, HR admins look."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services import invite_by_email
from organizations.models import AuditEntry, Membership, Role
from organizations.scoping import scope
from organizations.services import add_member
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def membership_of(world, user) -> Membership:  # type: ignore[no-untyped-def]
    with scope(world.acme):
        return Membership.objects.get(user=user)


def test_owner_sees_everyone_with_role_controls(world):
    with scope(world.acme):
        invite_by_email(
            world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
        )
    response = world.client_for(world.owner).get(reverse("organizations:members"))
    assert response.status_code == 200
    body = response.content.decode()
    for who in ("Olivia Owner", "Hana Hr", "Max Manager", "Emma Employee"):
        assert who in body
    assert "Olga" not in body  # another organization
    assert body.count('class="role-form"') == 4
    assert "Invitations waiting" in body and "Ivy" in body
    assert "The only owner" in body


def test_hr_admin_sees_it_read_only(world):
    response = world.client_for(world.hr).get(reverse("organizations:members"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="role-form"' not in body
    assert "Only an owner can change roles." in body
    url = reverse(
        "organizations:change_role", args=[membership_of(world, world.employee).public_id]
    )
    assert world.client_for(world.hr).post(url, {"role": "hr_admin"}).status_code == 403
    assert membership_of(world, world.employee).role == Role.MEMBER


def test_members_cannot_open_it(world):
    assert world.client_for(world.employee).get(reverse("organizations:members")).status_code == 403


def test_owner_changes_a_role(world):
    url = reverse(
        "organizations:change_role", args=[membership_of(world, world.employee).public_id]
    )
    response = world.client_for(world.owner).post(url, {"role": "hr_admin"}, follow=True)
    assert b"is now HR admin" in response.content
    assert membership_of(world, world.employee).role == Role.HR_ADMIN
    with scope(world.acme):
        entry = AuditEntry.objects.get(action="membership.role_changed")
        assert entry.changes == {"role": ["member", "hr_admin"]}


def test_the_last_owner_stays_an_owner(world):
    url = reverse("organizations:change_role", args=[membership_of(world, world.owner).public_id])
    response = world.client_for(world.owner).post(url, {"role": "member"}, follow=True)
    assert b"needs at least one owner" in response.content
    assert membership_of(world, world.owner).role == Role.OWNER
    # With a second owner, the first may step down.
    promote = reverse("organizations:change_role", args=[membership_of(world, world.hr).public_id])
    world.client_for(world.owner).post(promote, {"role": "owner"})
    world.client_for(world.owner).post(url, {"role": "hr_admin"})
    assert membership_of(world, world.owner).role == Role.HR_ADMIN


def test_invalid_role_is_refused(world):
    url = reverse(
        "organizations:change_role", args=[membership_of(world, world.employee).public_id]
    )
    response = world.client_for(world.owner).post(url, {"role": "king"}, follow=True)
    assert b"Choose a role" in response.content


def test_members_page_queries_do_not_grow(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for(world.owner)
    client.get(reverse("organizations:members"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("organizations:members"))
    with scope(world.acme):
        for n in range(15):
            add_member(
                world.acme, make_user(f"m{n}@acme.test", f"M {n}"), role="member", actor=None
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("organizations:members"))
    assert b"m14@acme.test" in response.content
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
