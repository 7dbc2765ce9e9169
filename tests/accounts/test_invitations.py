"""Invitations: the service (token hashing, re-invite, revoke, accept) and the pages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, hash_token
from accounts.services import (
    InvitationError,
    accept_invitation,
    find_invitation,
    invite_by_email,
    invite_person,
    revoke_invitation,
)
from organizations.models import AuditEntry, Membership, ReadOnlyOrganization, Role
from organizations.scoping import scope, unscoped
from people.models import Person
from people.services import create_person

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/accounts/invite/([\w-]+)/")


def token_from_outbox(index: int = -1) -> str:
    match = LINK.search(mail.outbox[index].body)
    assert match, mail.outbox[index].body
    return match.group(1)


@pytest.fixture
def ivy(acme_scope: Any, world: Any) -> Person:
    return create_person(world.acme, actor=world.hr, name="Ivy Invitee", email="ivy@acme.test")


def send(world: Any, person: Person, role: str = Role.MEMBER, actor: Any = None) -> Invitation:
    with scope(world.acme):
        return invite_person(world.acme, person, role=role, actor=actor or world.hr)


# --- the service -----------------------------------------------------------------------------


def test_invite_stores_only_the_hash_and_mails_the_link(
    world, ivy, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://clb.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send(world, ivy)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ivy@acme.test"]
    assert "Acme" in message.subject
    assert "https://clb.example.com/accounts/invite/" in message.body
    token = token_from_outbox()
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    # The token appears nowhere in the database row or the audit log.
    with unscoped():
        row = Invitation.objects.filter(pk=invitation.pk).values().get()
        assert token not in repr(row)
        assert all(token not in repr(e.data) for e in AuditEntry.objects.all())
        assert AuditEntry.objects.filter(action="invitation.sent").count() == 1


def test_the_mail_waits_for_the_commit(world, ivy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(world, ivy)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_reinviting_revokes_the_old_link(world, ivy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(world, ivy)
        second = send(world, ivy, role=Role.HR_ADMIN)
    old_token, new_token = token_from_outbox(0), token_from_outbox(1)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending and second.role == Role.HR_ADMIN
    assert find_invitation(old_token).problem == "revoked"
    assert find_invitation(new_token).problem == ""
    with scope(world.acme):
        assert AuditEntry.objects.filter(action="invitation.resent").count() == 1


def test_only_owners_invite_owners(world, ivy):
    with pytest.raises(InvitationError, match="Only an owner"):
        send(world, ivy, role=Role.OWNER, actor=world.hr)
    assert send(world, ivy, role=Role.OWNER, actor=world.owner).role == Role.OWNER


def test_someone_who_can_already_log_in_is_not_invited(world, acme_scope):
    with pytest.raises(InvitationError, match="can already log in"):
        invite_person(world.acme, world.p_employee, role=Role.MEMBER, actor=world.hr)


def test_invite_by_email_adds_the_person(world, acme_scope):
    invitation = invite_by_email(
        world.acme, email="New.Person@Acme.test", name="New Person", role="member", actor=world.hr
    )
    assert invitation.email == "new.person@acme.test"
    assert invitation.person.name == "New Person"
    assert Person.objects.filter(email="new.person@acme.test").count() == 1
    with pytest.raises(InvitationError, match="name"):
        invite_by_email(world.acme, email="x@acme.test", name="", role="member", actor=world.hr)


def test_revoke(world, ivy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send(world, ivy)
    with scope(world.acme):
        revoke_invitation(invitation, actor=world.hr)
        with pytest.raises(InvitationError):
            revoke_invitation(invitation, actor=world.hr)
    assert find_invitation(token_from_outbox()).problem == "revoked"
    with pytest.raises(InvitationError, match="withdrawn"):
        accept_invitation(token_from_outbox(), name="Ivy", password="a-long-password-1")


def test_accept_creates_a_verified_login_linked_to_the_person(
    world, ivy, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    with django_capture_on_commit_callbacks(execute=True):
        send(world, ivy, role=Role.HR_ADMIN)
    invitation, user = accept_invitation(
        token_from_outbox(), name="Ivy Invitee", password="a-long-password-1"
    )
    assert user.check_password("a-long-password-1")
    assert EmailAddress.objects.get(user=user).verified
    with scope(world.acme):
        assert Membership.objects.get(user=user).role == Role.HR_ADMIN
        ivy.refresh_from_db()
        assert ivy.user == user
        assert Person.objects.filter(email="ivy@acme.test").count() == 1
        assert AuditEntry.objects.filter(action="invitation.accepted").exists()
    assert invitation.accepted_at is not None
    with pytest.raises(InvitationError, match="already been used"):
        accept_invitation(token_from_outbox(), name="Ivy", password="a-long-password-1")


def test_expired_invitation_cannot_be_accepted(world, ivy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send(world, ivy)
    with scope(world.acme):
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    token = token_from_outbox()
    assert find_invitation(token).problem == "expired"
    with pytest.raises(InvitationError, match="expired"):
        accept_invitation(token, name="Ivy", password="a-long-password-1")
    response = world.client_for(world.outsider).get(f"/accounts/invite/{token}/")
    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    assert b"Ask your HR team" in response.content


def test_read_only_organization_cannot_invite(world, ivy):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save()
    with pytest.raises(ReadOnlyOrganization):
        send(world, ivy)


# --- the pages -------------------------------------------------------------------------------


def test_invitations_page_lists_and_invites(world, ivy, django_capture_on_commit_callbacks):
    send(world, ivy)
    client = world.client_for(world.hr)
    response = client.get(reverse("accounts:invitations"))
    assert response.status_code == 200
    assert b"Ivy Invitee" in response.content
    assert b"Invite someone by e-mail" in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invitations"),
            {"email": "zoe@acme.test", "name": "Zoe Zed", "role": "member"},
            follow=True,
        )
    assert b"Invitation sent to zoe@acme.test" in response.content
    assert mail.outbox[-1].to == ["zoe@acme.test"]


def test_invite_form_shows_errors(world, acme_scope):
    client = world.client_for(world.hr)
    response = client.post(reverse("accounts:invitations"), {"email": "nope", "role": "member"})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    response = client.post(
        reverse("accounts:invitations"), {"email": "boss@acme.test", "name": "B", "role": "owner"}
    )
    assert b"error-summary" in response.content  # HR admins cannot pick "owner"
    assert not Invitation.objects.filter(email="boss@acme.test").exists()


def test_members_cannot_see_invitations(world):
    response = world.client_for(world.employee).get(reverse("accounts:invitations"))
    assert response.status_code == 403


def test_invitations_page_queries_do_not_grow(world, acme_scope):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def invite(n: int) -> None:
        invite_by_email(
            world.acme, email=f"p{n}@acme.test", name=f"P {n}", role="member", actor=world.hr
        )

    invite(0)
    client = world.client_for(world.hr)
    client.get(reverse("accounts:invitations"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:invitations"))
    for n in range(1, 13):
        invite(n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("accounts:invitations"))
    assert b"p12@acme.test" in response.content
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_invite_person_view_and_resend(world, ivy, django_capture_on_commit_callbacks):
    client = world.client_for(world.hr)
    url = reverse("accounts:invite_person", args=[ivy.public_id])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"role": "hr_admin"})
    assert response["Location"] == reverse("people:detail", args=[ivy.public_id])
    assert b"Invitation sent to Ivy Invitee" in client.get(response["Location"]).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"role": "hr_admin", "next": reverse("accounts:invitations")}, follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("accounts:invitations")
    assert client.post(url, {"role": "member", "next": "https://evil.test/"})["Location"] == (
        reverse("people:detail", args=[ivy.public_id])
    )
    assert len(mail.outbox) == 2
    assert Invitation.objects.filter(email="ivy@acme.test", revoked_at__isnull=True).count() == 1
    assert Invitation.objects.filter(email="ivy@acme.test").count() == 3
    response = client.post(url, {"role": "owner"}, follow=True)
    assert b"Only an owner can invite another owner." in response.content
    response = client.post(url, {"role": "king"}, follow=True)
    assert b"Choose a role" in response.content


def test_revoke_view(world, ivy):
    invitation = send(world, ivy)
    client = world.client_for(world.hr)
    url = reverse("accounts:revoke_invitation", args=[invitation.public_id])
    response = client.post(url, follow=True)
    assert b"withdrawn" in response.content
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_accept_page_new_user_lands_on_the_dashboard(
    world, ivy, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(world, ivy)
    url = reverse("accounts:accept_invitation", args=[token_from_outbox()])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Join Acme" in page.content and b"ivy@acme.test" in page.content
    weak = client.post(url, {"name": "Ivy Invitee", "password": "short"})
    assert b"error-summary" in weak.content
    response = client.post(url, {"name": "Ivy Invitee", "password": "a-long-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.organization == world.acme
    assert client.get(url).status_code == 410  # the link worked once


def test_existing_account_logs_in_first(world, django_capture_on_commit_callbacks, client):
    """Olga (Globex) is invited to Acme too: she logs in, then accepts."""
    with scope(world.acme):
        person = create_person(world.acme, actor=world.hr, name="Olga", email="olga@globex.test")
    with django_capture_on_commit_callbacks(execute=True):
        send(world, person)
    url = reverse("accounts:accept_invitation", args=[token_from_outbox()])
    page = client.get(url)
    assert b"Log in to accept" in page.content
    assert client.post(url, {"name": "x", "password": "a-long-password-1"}).status_code == 200
    with unscoped():
        assert not Membership.objects.filter(user=world.outsider, organization=world.acme)
    olga = world.client_for(world.outsider)
    assert b"You are logged in as" in olga.get(url).content
    response = olga.post(url)
    assert response.status_code == 302
    with unscoped():
        assert Membership.objects.get(user=world.outsider, organization=world.acme)
    assert olga.get(reverse("dashboard")).wsgi_request.organization == world.acme


def test_someone_else_logged_in_is_told_to_log_out(world, ivy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(world, ivy)
    url = reverse("accounts:accept_invitation", args=[token_from_outbox()])
    olga = world.client_for(world.outsider)
    assert olga.get(url).status_code == 403
    assert olga.post(url).status_code == 403
    with unscoped():
        assert not Membership.objects.filter(user=world.outsider, organization=world.acme)


def test_unknown_token_is_a_clear_404(client):
    response = client.get("/accounts/invite/definitely-not-a-token/")
    assert response.status_code == 404
    assert b"This invitation link is not valid" in response.content


def test_deactivated_person_cannot_accept(world, ivy, django_capture_on_commit_callbacks):
    from people.services import set_active

    with django_capture_on_commit_callbacks(execute=True):
        send(world, ivy)
    with scope(world.acme):
        set_active(ivy, actor=world.hr, active=False)
    with pytest.raises(InvitationError, match=r"withdrawn|no longer active"):
        accept_invitation(token_from_outbox(), name="Ivy", password="a-long-password-1")
    url = reverse("accounts:accept_invitation", args=[token_from_outbox()])
    response = world.client_for(world.outsider).get(url)
    assert response.status_code == 410
    assert b"can no longer be used" in response.content or b"was withdrawn" in response.content


def test_login_from_the_invitation_comes_back_to_it(world, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.test import Client

    from tests.conftest import PASSWORD

    cache.clear()
    with scope(world.acme):
        person = create_person(world.acme, actor=world.hr, name="Olga", email="olga@globex.test")
    with django_capture_on_commit_callbacks(execute=True):
        send(world, person)
    url = reverse("accounts:accept_invitation", args=[token_from_outbox()])
    client = Client()
    login_link = re.search(
        r'href="(/accounts/login/\?next=[^"]+)"', client.get(url).content.decode()
    )
    assert login_link
    login_url = login_link.group(1).replace("&amp;", "&")
    response = client.post(login_url, {"login": "olga@globex.test", "password": PASSWORD})
    assert response["Location"] == url
    assert b"Join Acme" in client.get(url).content
    assert client.post(url)["Location"] == reverse("dashboard")


def test_invite_everyone_without_a_login(world, django_capture_on_commit_callbacks, settings):
    from django.core import mail

    from people.services import create_person

    with scope(world.acme):
        for i in range(3):
            create_person(world.acme, actor=world.hr, name=f"New {i}", email=f"new{i}@acme.test")
    hr = world.client_for(world.hr)
    page = hr.get(reverse("accounts:invitations")).content.decode()
    assert "Invite 3 people" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(reverse("accounts:invite_everyone"), follow=True)
    assert "Invitations sent to 3 people." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "new0@acme.test",
        "new1@acme.test",
        "new2@acme.test",
    ]
    # Nobody is invited twice; members cannot do it.
    hr.post(reverse("accounts:invite_everyone"))
    assert len(mail.outbox) == 3
    assert (
        world.client_for(world.employee).post(reverse("accounts:invite_everyone")).status_code
        == 403
    )


def test_invite_everyone_stops_at_the_hourly_cap(world, settings):
    from accounts.services import invite_everyone
    from people.services import create_person

    settings.INVITATIONS_PER_HOUR = 2
    with scope(world.acme):
        for i in range(4):
            create_person(world.acme, actor=world.hr, name=f"New {i}", email=f"new{i}@acme.test")
        sent, stopped = invite_everyone(world.acme, actor=world.hr)
    assert sent == 2 and "last hour" in stopped
