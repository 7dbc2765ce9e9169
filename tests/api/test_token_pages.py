"""The API tokens page: make a token (shown once), list, revoke; owners of tokens and
HR admins."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from organizations.models import AuditEntry
from organizations.scoping import scope
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
URL = "/settings/api-tokens/"


def make(client, name="HRIS sync", scope_="read"):
    return client.post(URL, {"name": name, "scope": scope_, "days": "90"})


def test_a_member_makes_a_token_shown_once(world):
    client = world.client_for(world.employee)
    response = make(client, scope_="write")
    assert response.status_code == 200
    raw = re.search(r'value="(clb_[^"]+)"', response.content.decode()).group(1)
    assert "shown only this once" in response.content.decode()
    assert ApiClient(raw).get("me").json()["user"]["email"] == "emma@acme.test"
    again = client.get(URL).content.decode()
    assert raw not in again and "HRIS sync" in again
    with scope(world.acme):
        token = ApiToken.objects.get()
        assert (token.scope, token.user) == ("write", world.employee)
        assert AuditEntry.objects.filter(action="api_token.created").count() == 1


def test_a_name_is_required(world):
    response = make(world.client_for(world.employee), name="")
    assert response.status_code == 400
    assert "Say what the token is for" in response.content.decode()


def test_members_see_their_own_tokens_hr_sees_everyones(world):
    make(world.client_for(world.employee), name="Emma's script")
    make(world.client_for(world.manager), name="Max's script")
    emma_page = world.client_for(world.employee).get(URL).content.decode()
    assert "Emma&#x27;s script" in emma_page and "Max&#x27;s script" not in emma_page
    hr_page = world.client_for(world.hr).get(URL).content.decode()
    assert "Emma&#x27;s script" in hr_page and "Max&#x27;s script" in hr_page


def test_revoke_by_owner_of_the_token_and_by_hr_not_by_others(world):
    make(world.client_for(world.employee))
    with scope(world.acme):
        token = ApiToken.objects.get()
    url = reverse("api_tokens:revoke", kwargs={"token_id": token.public_id})
    assert world.client_for(world.manager).post(url).status_code == 404
    assert world.client_for(world.hr).post(url).status_code == 302
    with scope(world.acme):
        token.refresh_from_db()
        assert token.revoked_at is not None
        entry = AuditEntry.objects.get(action="api_token.revoked")
        assert entry.actor == world.hr


def test_a_read_only_organization_cannot_make_tokens_but_can_revoke(world):
    client = world.client_for(world.employee)
    make(client)
    world.acme.trial_ends_at = timezone.now()
    world.acme.save(update_fields=["trial_ends_at"])
    assert make(client, name="Another").status_code == 403
    with scope(world.acme):
        token = ApiToken.objects.get()
    url = reverse("api_tokens:revoke", kwargs={"token_id": token.public_id})
    assert client.post(url).status_code == 302
    assert "no new tokens can be made" in client.get(URL).content.decode()


def test_the_user_menu_links_to_tokens(world):
    page = world.client_for(world.employee).get(reverse("dashboard")).content.decode()
    assert URL in page


def test_docs_are_served_by_the_product_under_the_csp(world, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("/") for s in srcs), srcs
    assert client.get("/api/v1/openapi.json").json()["info"]["title"]
    assert client.get("/api/v1/").status_code == 302
