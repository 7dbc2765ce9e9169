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
