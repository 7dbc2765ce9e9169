"""Logging in, switching organization, invitations (stored as hashes, capped, one-line
subjects, the invited role) and logins added to a read-only organization."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import AuditEntry, Membership, Organization, Role
from organizations.scoping import scope, unscoped
from tests.test_access_matrix import acme_fingerprint


def test_switch_to_an_organization_one_is_not_in_is_ignored(world):
    olga = world.client_for(world.outsider)
    olga.post(reverse("organizations:switch"), {"organization": world.acme.public_id})
    assert olga.session.get("active_org") != world.acme.public_id
    response = olga.get(reverse("people:list"))
    assert b"Emma Employee" not in response.content
    assert b"Olga Outsider" in response.content


def test_revoke_next_parameter_cannot_leave_the_site(world):
    from accounts.services import invite_by_email

    with scope(world.acme):
        invitation = invite_by_email(
            world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
        )
    hr = world.client_for(world.hr)
    for evil in ("https://evil.test/", "//evil.test/", "/\\evil.test/", "javascript:alert(1)"):
        response = hr.post(
            reverse("accounts:revoke_invitation", kwargs={"invitation_id": invitation.public_id}),
            {"next": evil},
        )
        assert response.status_code == 302
        assert "evil" not in response["Location"] and "javascript" not in response["Location"]


def test_invitation_token_is_stored_only_as_a_hash(world):
    from django.core import mail

    from accounts.models import Invitation
    from accounts.services import invite_by_email

    with scope(world.acme):
        with_commit = invite_by_email
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
            invitation = with_commit(
                world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
            )
    token = re.search(r"/accounts/invite/([^/\s]+)/", mail.outbox[-1].body).group(1)
    with unscoped():
        row = Invitation._base_manager.get(pk=invitation.pk)
    assert token not in repr([getattr(row, f.attname) for f in Invitation._meta.concrete_fields])
    assert len(row.token_hash) == 64


def test_reinvited_former_owner_gets_the_invited_role_not_the_old_one(world):
    """A former owner whose login was closed, invited back as a member, is a member."""
    from accounts.services import accept_invitation, invite_person
    from people.services import create_person, set_active, update_person

    with scope(world.acme):
        Membership.objects.filter(user=world.hr).update(role=Role.OWNER)
        set_active(world.p_hr, actor=world.owner, active=False)
        assert not Membership.objects.get(user=world.hr).is_active
        world.p_hr.refresh_from_db()
        update_person(
            world.p_hr, actor=world.owner, expected_revision=None, email="old-hana@acme.test"
        )
        again = create_person(world.acme, actor=world.owner, name="Hana", email="hana@acme.test")
        with pytest.MonkeyPatch.context() as mp:
            tokens: list[str] = []
            mp.setattr(
                "accounts.models.Invitation.new_token",
                lambda: tokens.append("t" * 43) or tokens[-1],
            )
            invite_person(world.acme, again, role=Role.MEMBER, actor=world.owner)
    accept_invitation("t" * 43, user=world.hr)
    with scope(world.acme):
        membership = Membership.objects.get(user=world.hr)
        assert membership.is_active
        assert membership.role == Role.MEMBER
        assert AuditEntry.objects.filter(
            action__startswith="membership.", target_id=membership.public_id
        ).exists()


def test_membership_and_login_link_services_refuse_a_read_only_organization(world):
    from organizations.models import ReadOnlyOrganization
    from organizations.services import add_member, create_user
    from people.services import create_person, ensure_person_for_user

    newcomer = create_user("nico@acme.test", password=None, name="Nico New")
    with scope(world.acme):
        create_person(world.acme, actor=world.hr, name="Nico New", email="nico@acme.test")
        Organization.objects.filter(pk=world.acme.pk).update(
            trial_ends_at=timezone.now() - timedelta(days=1)
        )
        world.acme.refresh_from_db()
        before = acme_fingerprint(world.acme)
        with pytest.raises(ReadOnlyOrganization):
            add_member(world.acme, newcomer, role=Role.MEMBER, actor=world.owner)
        with pytest.raises(ReadOnlyOrganization):
            ensure_person_for_user(world.acme, newcomer, actor=world.owner)
    assert acme_fingerprint(world.acme) == before


def test_login_rotates_the_session_and_ignores_offsite_next(world, client):
    from tests.conftest import PASSWORD

    client.get(reverse("account_login"))
    session = client.session
    session["planted"] = "x"
    session.save()
    planted_key = session.session_key
    for evil in ("https://evil.test/", "//evil.test/x", "/\\evil.test"):
        response = client.post(
            reverse("account_login") + f"?next={evil}",
            {"login": "hana@acme.test", "password": PASSWORD, "next": evil},
        )
        assert response.status_code == 302
        assert "evil" not in response["Location"], response["Location"]
        assert client.session.session_key != planted_key
        client.post(reverse("account_logout"))


def test_password_reset_answers_alike_for_known_and_unknown_addresses(world, client):
    known = client.post(reverse("account_reset_password"), {"email": "emma@acme.test"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@acme.test"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_invitation_mail_subject_is_one_line_whatever_the_names(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.services import invite_by_email
    from organizations.services import update_settings

    with scope(world.acme):
        update_settings(
            world.acme,
            actor=world.owner,
            name="Acme\r\nBcc: victim@example.test",
            require_mfa_for_admins=False,
        )
        with django_capture_on_commit_callbacks(execute=True):
            invite_by_email(
                world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
            )
    message = mail.outbox[-1]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == ["ivy@acme.test"] and not message.bcc
    with scope(world.acme):
        world.acme.refresh_from_db()
    assert world.acme.name == "Acme Bcc: victim@example.test"


def test_a_person_with_a_login_is_not_invited_again_under_another_address(world):
    """Otherwise whoever accepts takes over the directory entry (and ladder, and team)
    of the person who already logs in."""
    from accounts.services import InvitationError, invite_person
    from people.services import update_person

    with scope(world.acme):
        update_person(
            world.p_manager,
            actor=world.hr,
            expected_revision=None,
            email="max.private@elsewhere.test",
        )
        world.p_manager.refresh_from_db()
        with pytest.raises(InvitationError):
            invite_person(world.acme, world.p_manager, role=Role.MEMBER, actor=world.hr)


def test_invitation_mail_is_capped_per_organization_and_hour(world, settings):
    from accounts.services import InvitationError, invite_by_email

    settings.INVITATIONS_PER_HOUR = 3
    with scope(world.acme):
        for n in range(3):
            invite_by_email(
                world.acme,
                email=f"ivy{n}@elsewhere.test",
                name="Ivy",
                role="member",
                actor=world.hr,
            )
        with pytest.raises(InvitationError, match="invitations in the last hour"):
            invite_by_email(
                world.acme, email="ivy9@elsewhere.test", name="Ivy", role="member", actor=world.hr
            )
    with scope(world.globex):  # another organization is not affected
        invite_by_email(
            world.globex,
            email="ivy@elsewhere.test",
            name="Ivy",
            role="member",
            actor=world.outsider,
        )
