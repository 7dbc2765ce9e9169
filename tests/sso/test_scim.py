"""SCIM 2.0 provisioning, replaying the request examples of RFC 7644 / 7643, Okta and
Microsoft Entra ID (tests/sso/scim_examples.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from organizations.models import AuditEntry, Membership
from organizations.scoping import scope, unscoped
from people.models import Person
from tests.sso import scim_examples as ex

pytestmark = pytest.mark.django_db
CT = "application/scim+json"


class Scim:
    def __init__(self, token: str) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.auth)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        return getattr(self.client, method)(path, data=data, content_type=CT, **self.auth)

    def post(self, body: Any) -> Any:
        return self.send("post", "/scim/v2/Users", body)

    def patch(self, user_id: str, body: Any) -> Any:
        return self.send("patch", f"/scim/v2/Users/{user_id}", body)

    def put(self, user_id: str, body: Any) -> Any:
        return self.send("put", f"/scim/v2/Users/{user_id}", body)


@pytest.fixture
def token(world: Any) -> str:
    from sso.services import create_scim_token

    with scope(world.acme):
        return create_scim_token(world.acme, actor=world.owner)[1]


@pytest.fixture
def scim(token: str) -> Scim:
    return Scim(token)


def person(email: str) -> Person:
    with unscoped():
        return Person.objects.select_related("manager").get(email=email.lower())


def error_of(response: Any) -> dict:
    assert response["Content-Type"] == CT
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(response.status_code)
    return body


# --- discovery ------------------------------------------------------------------------------


def test_discovery_documents(scim: Scim):
    config = scim.get("/scim/v2/ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["filter"]["supported"]
    assert not config["bulk"]["supported"]
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim.get("/scim/v2/ResourceTypes").json()
    assert [t["id"] for t in types["Resources"]] == ["User"]
    assert types["Resources"][0]["schemaExtensions"][0]["schema"] == ex.ENTERPRISE
    schemas = scim.get("/scim/v2/Schemas").json()
    assert {s["id"] for s in schemas["Resources"]} == {ex.USER, ex.ENTERPRISE}
    assert scim.get(f"/scim/v2/Schemas/{ex.USER}").json()["name"] == "User"
    assert error_of(scim.get("/scim/v2/ResourceTypes/Group"))["status"] == "404"


def test_tokens_are_required_hashed_and_rotated(world: Any, token: str):
    from sso.models import ScimToken
    from sso.services import create_scim_token, revoke_scim_tokens

    assert error_of(Client().get("/scim/v2/Users"))["status"] == "401"
    assert Scim("clbscim_wrong").get("/scim/v2/Users").status_code == 401
    with unscoped():
        assert not ScimToken.objects.filter(token_hash=token).exists()  # only the hash
    with scope(world.acme):
        new = create_scim_token(world.acme, actor=world.owner)[1]
    assert Scim(token).get("/scim/v2/Users").status_code == 401  # replaced
    assert Scim(new).get("/scim/v2/Users").status_code == 200
    with scope(world.acme):
        revoke_scim_tokens(world.acme, actor=world.owner)
    assert Scim(new).get("/scim/v2/Users").status_code == 401


# --- Okta --------------------------------------------------------------------------------------


def test_okta_lifecycle(world: Any, scim: Scim):
    listing = scim.get(ex.OKTA_CONNECTION_TEST).json()
    assert listing["schemas"] == [
        ex.USER.replace("schemas:core:2.0:User", "api:messages:2.0:ListResponse")
    ]
    assert listing["itemsPerPage"] == 2 and listing["totalResults"] == 4  # Acme's four people
    assert scim.get(ex.OKTA_LOOKUP).json()["totalResults"] == 0

    created = scim.post(ex.OKTA_CREATE)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["userName"] == "test.user@acme.test"
    assert body["externalId"] == "00ujl29u0le5T6Aj10h7"
    assert created["Location"].endswith(f"/scim/v2/Users/{body['id']}")
    test_user = person("test.user@acme.test")
    assert test_user.name == "Test User" and test_user.organization_id == world.acme.pk
    with scope(world.acme):
        entry = AuditEntry.objects.get(action="person.created", target_id=test_user.public_id)
        assert entry.actor_label == "Company directory (SCIM)"
    lookup = scim.get(ex.OKTA_LOOKUP).json()
    assert lookup["totalResults"] == 1 and lookup["Resources"][0]["id"] == body["id"]
    assert scim.post(ex.OKTA_CREATE).status_code == 409  # Okta looks first; a repeat clashes

    updated = scim.put(body["id"], ex.okta_put(body["id"]))
    assert updated.status_code == 200
    assert updated.json()["name"]["givenName"] == "Another"
    assert person("test.user@acme.test").name == "Another User"

    off = scim.patch(body["id"], ex.OKTA_DEACTIVATE)
    assert off.status_code == 200 and off.json()["active"] is False
    assert not person("test.user@acme.test").is_active
    on = scim.patch(body["id"], ex.OKTA_REACTIVATE)
    assert on.json()["active"] is True


# --- Microsoft Entra ID --------------------------------------------------------------------


def test_entra_lifecycle(world: Any, scim: Scim):
    assert scim.get(ex.ENTRA_LOOKUP_NONE).json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }
    created = scim.post(ex.ENTRA_CREATE)
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    email = "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@acme.test"
    assert person(email).name == "givenName familyName"
    found = scim.get(ex.ENTRA_LOOKUP).json()["Resources"]
    assert [r["id"] for r in found] == [user_id]

    multi = scim.patch(user_id, ex.ENTRA_PATCH_MULTI).json()
    assert multi["emails"][0]["value"] == "updatedemail@acme.test"
    assert multi["name"]["familyName"] == "updatedFamilyName"
    assert person("updatedemail@acme.test").name == "givenName updatedFamilyName"

    single = scim.patch(user_id, ex.ENTRA_PATCH_SINGLE).json()
    assert single["userName"] == "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"

    manager = world.p_manager.public_id
    with_manager = scim.patch(user_id, ex.entra_add_manager(manager)).json()
    assert with_manager[ex.ENTERPRISE]["manager"]["value"] == manager
    assert person("updatedemail@acme.test").manager == world.p_manager
    without = scim.patch(user_id, ex.ENTRA_REMOVE_MANAGER).json()
    assert without[ex.ENTERPRISE] == {}

    assert scim.patch(user_id, ex.ENTRA_DISABLE_STRING).json()["active"] is False
    assert scim.patch(user_id, ex.OKTA_REACTIVATE).json()["active"] is True
    assert scim.patch(user_id, ex.ENTRA_DISABLE).json()["active"] is False

    assert scim.send("delete", f"/scim/v2/Users/{user_id}").status_code == 204
    assert error_of(scim.get(f"/scim/v2/Users/{user_id}"))["status"] == "404"
    kept = person("updatedemail@acme.test")  # HR keeps the history
    assert not kept.is_active
    assert scim.get(ex.ENTRA_LOOKUP).json()["totalResults"] == 0


def test_a_deleted_user_provisioned_again_comes_back(world: Any, scim: Scim):
    user_id = scim.post(ex.OKTA_CREATE).json()["id"]
    scim.send("delete", f"/scim/v2/Users/{user_id}")
    again = scim.post(ex.OKTA_CREATE)
    assert again.status_code == 201 and again.json()["id"] == user_id
    assert person("test.user@acme.test").is_active


# --- RFC 7644 ------------------------------------------------------------------------------


def test_rfc_create_without_an_email_address_is_refused_in_scim_format(scim: Scim):
    response = scim.post(ex.RFC_CREATE_BJENSEN)
    body = error_of(response)
    assert response.status_code == 400 and body["scimType"] == "invalidValue"
    assert "e-mail" in body["detail"]


def test_rfc_put_and_patch_without_path(world: Any, scim: Scim):
    created = scim.post({**ex.RFC_CREATE_BJENSEN, "emails": [{"value": "bjensen@acme.test"}]})
    assert created.status_code == 201
    user_id = created.json()["id"]
    assert person("bjensen@acme.test").name == "Ms. Barbara J Jensen III"
    replaced = scim.put(user_id, {**ex.RFC_PUT_BJENSEN, "id": user_id})
    assert replaced.status_code == 200
    assert replaced.json()["emails"][0]["value"] == "bjensen@acme.test"  # the first one
    added = scim.patch(user_id, ex.RFC_PATCH_ADD_NO_PATH)
    assert added.status_code == 200
    assert person("babs@acme.test").public_id == user_id


def test_rfc_enterprise_extension_sets_the_manager(world: Any, scim: Scim):
    body = ex.rfc_enterprise_user("bjensen", "bjensen@acme.test", world.p_manager.public_id)
    created = scim.post(body).json()
    assert created[ex.ENTERPRISE]["manager"]["displayName"] == "Max Manager"
    assert created["title"] == "Tour Guide"
    assert person("bjensen@acme.test").manager == world.p_manager


def test_rfc_errors(scim: Scim):
    unsupported = scim.get('/scim/v2/Users?filter=name.familyName co "O\'Malley"')
    assert error_of(unsupported)["scimType"] == "invalidFilter"
    assert (
        error_of(scim.get('/scim/v2/Users?filter=userName eq "a" or userName eq "b"'))["scimType"]
        == "invalidFilter"
    )
    missing = scim.get("/scim/v2/Users/2819c223-7f76-453a-919d-413861904646")
    assert error_of(missing)["status"] == "404"
    bad = scim.send("post", "/scim/v2/Users")
    assert bad.status_code == 400
    assert error_of(scim.send("patch", "/scim/v2/Users/x", {"Operations": "nope"}))["status"] in (
        "400",
        "404",
    )


def test_filters_and_paging(world: Any, scim: Scim):
    everyone = scim.get("/scim/v2/Users?count=200").json()
    assert everyone["totalResults"] == 4
    page = scim.get("/scim/v2/Users?startIndex=3&count=2").json()
    assert page["startIndex"] == 3 and page["itemsPerPage"] == 2
    ids = [r["id"] for r in everyone["Resources"]]
    assert [r["id"] for r in page["Resources"]] == ids[2:4]
    assert scim.get("/scim/v2/Users?count=0").json()["Resources"] == []
    by_email = scim.get('/scim/v2/Users?filter=emails[type eq "work"].value eq "EMMA@acme.test"')
    assert [r["id"] for r in by_email.json()["Resources"]] == [world.p_employee.public_id]
    both = scim.get('/scim/v2/Users?filter=userName eq "emma@acme.test" and active eq true')
    assert both.json()["totalResults"] == 1


def test_list_queries_do_not_grow_with_people(
    world: Any, scim: Scim, django_assert_max_num_queries: Any
):
    from tests.factories import make_people

    def add(n: int, start: int) -> None:
        with scope(world.acme):
            make_people(world, n, start=start, name="P {}", manager=world.p_manager)

    add(5, 0)
    with django_assert_max_num_queries(8):
        assert len(scim.get("/scim/v2/Users").json()["Resources"]) == 9
    add(40, 5)
    with django_assert_max_num_queries(8):
        assert len(scim.get("/scim/v2/Users").json()["Resources"]) == 49


# --- managers, deactivation -------------------------------------------------------------------


def test_a_manager_provisioned_after_their_report_is_linked_when_they_arrive(scim: Scim):
    report = ex.rfc_enterprise_user("ria@acme.test", "ria@acme.test", "00u-boss-okta-id")
    assert scim.post(report).status_code == 201
    assert person("ria@acme.test").manager is None
    boss = {
        **ex.OKTA_CREATE,
        "userName": "bo@acme.test",
        "externalId": "00u-boss-okta-id",
        "emails": [{"value": "bo@acme.test", "primary": True}],
        "displayName": "Bo Boss",
    }
    assert scim.post(boss).status_code == 201
    assert person("ria@acme.test").manager == person("bo@acme.test")


def test_deactivating_a_manager_moves_their_reports_up(world: Any, scim: Scim):
    from people.services import update_person

    with scope(world.acme):
        update_person(
            world.p_manager, actor=world.owner, expected_revision=None, manager=world.p_hr
        )
    response = scim.patch(world.p_manager.public_id, ex.OKTA_DEACTIVATE)
    assert response.status_code == 200, response.content
    assert not person("max@acme.test").is_active
    assert person("emma@acme.test").manager == world.p_hr


def test_deactivation_closes_the_login_and_ends_its_sessions(world: Any, scim: Scim):
    from organizations.signals import login_closed

    heard: list[dict] = []

    def listener(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    login_closed.connect(listener)
    try:
        emma = world.client_for(world.employee)
        assert emma.get("/home/").status_code == 200
        scim.patch(world.p_employee.public_id, ex.ENTRA_DISABLE)
    finally:
        login_closed.disconnect(listener)
    assert emma.get("/home/").status_code == 302  # the session is gone
    assert [(h["organization"], h["user"]) for h in heard] == [(world.acme, world.employee)]
    with scope(world.acme):
        assert not Membership.objects.get(user=world.employee).is_active


def test_the_only_owner_cannot_be_deprovisioned(world: Any, scim: Scim):
    response = scim.patch(world.p_owner.public_id, ex.OKTA_DEACTIVATE)
    assert response.status_code == 400
    assert "only owner" in error_of(response)["detail"]


def test_a_read_only_organization_refuses_changes(world: Any, scim: Scim):
    import datetime as dt

    from django.utils import timezone

    world.acme.trial_ends_at = timezone.now() - dt.timedelta(days=1)
    world.acme.save(update_fields=["trial_ends_at"])
    assert scim.get("/scim/v2/Users").status_code == 200
    refused = scim.post(ex.OKTA_CREATE)
    assert refused.status_code == 403 and "read-only" in error_of(refused)["detail"]


def test_a_browser_session_is_not_a_scim_login(world: Any):
    owner = world.client_for(world.owner)
    assert owner.get("/scim/v2/Users").status_code == 401
    response = owner.post("/scim/v2/Users", data=json.dumps(ex.OKTA_CREATE), content_type=CT)
    assert response.status_code == 401
    with unscoped():
        assert not Person.objects.filter(email="test.user@acme.test").exists()


def test_deprovisioning_revokes_the_persons_api_tokens(world: Any, scim: Scim):
    """SCIM → people.services.set_active → organizations.signals.login_closed → the API
    app revokes the tokens (neither app imports the other)."""
    from api.tokens import create_token

    with scope(world.acme):
        row, api_token = create_token(
            world.acme, user=world.employee, actor=world.employee, name="My script"
        )
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}
    assert api.get("/api/v1/me", **auth).status_code == 200
    scim.patch(world.p_employee.public_id, ex.OKTA_DEACTIVATE)
    with scope(world.acme):
        row.refresh_from_db()
        assert row.revoked_at is not None
    assert api.get("/api/v1/me", **auth).status_code == 401


# --- an erased person ---------------------------------------------------------------------


def _erase_provisioned_user(world: Any, scim: Scim) -> tuple[str, Person]:
    """Okta provisions Test User, later deactivates them; HR erases them."""
    from datarights.erasure import erase_person

    user_id = scim.post(ex.OKTA_CREATE).json()["id"]
    assert scim.patch(user_id, ex.OKTA_DEACTIVATE).status_code == 200
    with scope(world.acme):
        erased = Person.objects.get(public_id=user_id)
        erase_person(erased, actor=world.hr)
        erased.refresh_from_db()
    return user_id, erased


def test_an_erased_person_is_gone_for_scim_and_is_never_written_again(world: Any, scim: Scim):
    """The identity provider may still hold the erased person's id: reading or writing it
    answers 404 (a deleted resource, RFC 7644 §3.6), the entry is not listed or found by
    any filter, and nothing is re-linked to it."""
    from sso.models import ScimLink

    user_id, erased = _erase_provisioned_user(world, scim)
    assert error_of(scim.get(f"/scim/v2/Users/{user_id}"))["status"] == "404"
    listed = scim.get("/scim/v2/Users?count=200").json()
    assert user_id not in [r["id"] for r in listed["Resources"]]
    assert scim.get(f'/scim/v2/Users?filter=id eq "{user_id}"').json()["totalResults"] == 0
    assert scim.get("/scim/v2/Users?filter=active eq false").json()["totalResults"] == 0
    assert error_of(scim.put(user_id, ex.okta_put(user_id)))["status"] == "404"
    assert error_of(scim.patch(user_id, ex.OKTA_REACTIVATE))["status"] == "404"
    patch_ids = {"Operations": [{"op": "replace", "value": {"externalId": "00ujl29u0le5T6Aj10h7"}}]}
    assert error_of(scim.patch(user_id, patch_ids))["status"] == "404"
    assert error_of(scim.send("delete", f"/scim/v2/Users/{user_id}"))["status"] == "404"
    with unscoped():
        assert not ScimLink.objects.filter(person=erased).exists()
        again = Person.objects.get(pk=erased.pk)
    assert (again.name, again.email, again.is_active) == (erased.name, erased.email, False)
    assert again.erased_at == erased.erased_at


def test_provisioning_an_erased_person_again_makes_a_new_person_without_their_history(
    world: Any, scim: Scim
):
    """Okta and Entra look the user up by userName / externalId, find nobody and POST:
    a fresh directory entry, with a new id and nothing of the erased one's history."""
    from sso.models import ScimLink

    user_id, erased = _erase_provisioned_user(world, scim)
    assert scim.get(ex.OKTA_LOOKUP).json()["totalResults"] == 0
    assert (
        scim.get('/scim/v2/Users?filter=externalId eq "00ujl29u0le5T6Aj10h7"').json()[
            "totalResults"
        ]
        == 0
    )
    created = scim.post(ex.OKTA_CREATE)
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    assert new_id != user_id and created.json()["active"] is True
    fresh = person("test.user@acme.test")
    assert fresh.pk != erased.pk and fresh.erased_at is None and fresh.is_active
    with unscoped():
        assert ScimLink.objects.get(external_id="00ujl29u0le5T6Aj10h7").person_id == fresh.pk
        assert not ScimLink.objects.filter(person=erased).exists()
        still = Person.objects.get(pk=erased.pk)
        assert still.erased_at and still.name.startswith("Erased person ")
        linked = AuditEntry.objects.filter(action="scim.person_linked").count()
    assert linked == 0  # created, not linked to an existing entry
