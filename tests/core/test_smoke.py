import pytest

pytestmark = pytest.mark.django_db


def test_landing_and_pricing_are_public(client):
    assert client.get("/").status_code == 200
    response = client.get("/pricing/")
    assert b"per organization" in response.content


def test_dashboard_for_each_persona(world):
    for user in (world.owner, world.hr, world.manager, world.employee):
        response = world.client_for(user).get("/home/")
        assert response.status_code == 200, user
    assert b"Getting started" in world.client_for(world.hr).get("/home/").content
    assert b"Emma Employee" in world.client_for(world.manager).get("/home/").content


def test_a_set_up_organization_sees_what_to_do_next_instead_of_the_checklist(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from organizations.scoping import unscoped

    call_command("seed_demo", "--org", "ready", "--people", "12")
    with unscoped():
        hr = get_user_model().objects.get(email="hr@ready.test")
    client.force_login(hr)
    page = client.get("/home/").content.decode()
    assert "Your ladders are live" in page and "Getting started" not in page


def test_dashboard_counts_only_invitations_still_waiting(world):
    from accounts.services import invite_person, revoke_invitation
    from organizations.scoping import scope
    from people.services import create_person

    with scope(world.acme):
        a = create_person(world.acme, actor=world.hr, name="Ann", email="ann@acme.test")
        b = create_person(world.acme, actor=world.hr, name="Bob", email="bob@acme.test")
        invite_person(world.acme, a, role="member", actor=world.hr)
        revoke_invitation(
            invite_person(world.acme, b, role="member", actor=world.hr), actor=world.hr
        )
    page = world.client_for(world.hr).get("/home/").content.decode()
    assert "1 invitation pending" in page
