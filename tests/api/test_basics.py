"""Tokens, authentication, errors and lists: the rules every API route keeps."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import ApiToken
from organizations.models import AuditEntry
from organizations.scoping import scope, unscoped
from tests.api.conftest import ApiClient, make_token

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_me_names_the_user_the_organization_and_the_role(world, api_for):
    body = api_for("manager").get("me").json()
    assert body["user"] == {"email": "max@acme.test", "name": "Max Manager"}
    assert body["organization"]["slug"] == "acme"
    assert body["role"] == "member"
    assert body["person"] == world.p_manager.public_id
    assert body["is_manager"] is True


def test_the_token_is_stored_only_as_a_digest(world):
    raw = make_token(world.acme, world.hr)
    with unscoped():
        row = ApiToken.objects.get()
    assert raw not in (row.digest, row.prefix) and raw.startswith(row.prefix)
    assert len(row.digest) == 64


@pytest.mark.parametrize(
    "header",
    [None, "Bearer nonsense", "Bearer clb_unknown", "Basic abc", "Bearer "],
)
def test_no_valid_token_is_401_problem(world, header):
    client = ApiClient(None)
    response = client.client.get(
        "/api/v1/people", **({"HTTP_AUTHORIZATION": header} if header else {})
    )
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_does_not_authenticate_the_api(world):
    response = world.client_for(world.owner).get("/api/v1/me")
    assert_problem(response, 401)


def test_expired_and_revoked_tokens_are_refused(world):
    from api.tokens import find, revoke_token

    expired = make_token(world.acme, world.hr)
    revoked = make_token(world.acme, world.hr)
    with scope(world.acme):
        ApiToken.objects.filter(prefix=expired[:12]).update(expires_at=timezone.now())
        revoke_token(find(revoked), actor=world.owner)
    assert "expired" in assert_problem(ApiClient(expired).get("me"), 401)["detail"]
    assert "revoked" in assert_problem(ApiClient(revoked).get("me"), 401)["detail"]


def test_a_read_token_cannot_write(world, api_for):
    client = api_for("hr", write=False)
    body = assert_problem(client.post("people", {"name": "Nia", "email": "nia@acme.test"}), 403)
    assert "only read" in body["detail"]
    assert client.get("people").status_code == 200


def test_a_read_only_organization_refuses_writes_with_the_pages_words(world, api_for):
    client = api_for("hr")
    world.acme.trial_ends_at = timezone.now()
    world.acme.save(update_fields=["trial_ends_at"])
    body = assert_problem(client.post("people", {"name": "Nia", "email": "nia@acme.test"}), 403)
    assert "read-only" in body["detail"]
    assert client.get("people").status_code == 200


def test_deactivating_a_person_revokes_their_tokens(world, api_for):
    from people.services import set_active

    emma = api_for("employee")
    assert emma.get("me").status_code == 200
    with scope(world.acme):
        set_active(world.p_employee, actor=world.hr, active=False)
        assert ApiToken.objects.get(user=world.employee).revoked_at is not None
    assert_problem(emma.get("me"), 401)


def test_rate_limit_answers_429_with_retry_after(world, api_for, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/m"
    client = api_for("hr")
    assert [client.get("me").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("me")
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api_for("manager").get("me").status_code == 200  # per token


def test_unknown_path_and_wrong_method_are_problems(world, api_for):
    client = api_for("hr")
    assert_problem(client.get("nothing-here"), 404)
    response = client.delete("people")
    assert_problem(response, 405)


def test_invalid_input_names_every_field(world, api_for):
    client = api_for("hr")
    body = assert_problem(client.post("people", {"email": "not an address", "title": 5}), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "email", "title"} <= fields


def test_malformed_json_is_a_problem_not_a_500(world, api_for):
    client = api_for("hr")
    response = client.client.post(
        "/api/v1/people", data="{", content_type="application/json", headers=client.headers
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith(PROBLEM)


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=x"])
def test_bad_pagination_is_422(world, api_for, query):
    assert_problem(api_for("hr").get(f"people?{query}"), 422)


def test_lists_page_with_next(world, api_for):
    client = api_for("hr")
    first = client.get("people?limit=3").json()
    assert first["count"] == 4 and len(first["items"]) == 3
    assert first["next"].endswith("limit=3&offset=3")
    second = client.get(first["next"]).json()
    assert len(second["items"]) == 1 and second["next"] is None
    ids = [p["id"] for p in first["items"] + second["items"]]
    assert len(set(ids)) == 4


def test_writes_are_audited_with_the_token(world, api_for):
    client = api_for("hr")
    assert client.post("people", {"name": "Nia New", "email": "nia@acme.test"}).status_code == 201
    with scope(world.acme):
        entry = AuditEntry.objects.filter(action="person.created").first()
    assert entry.actor == world.hr
    assert entry.data["via"].startswith("API token “Test” (clb_")


def test_create_api_token_command_prints_the_token_last(world, capsys):
    call_command("create_api_token", "--org", "acme", "--user", "hana@acme.test", "--write")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("clb_") and " " not in raw
    assert ApiClient(raw).get("me").json()["role"] == "hr_admin"
    with unscoped():
        assert ApiToken.objects.get().scope == "write"


def test_create_api_token_refuses_a_non_member(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "--org", "acme", "--user", "olga@globex.test")


def test_a_request_refused_before_the_api_is_reached_is_still_a_problem(world, api_for):
    """A Host header the site does not serve is refused by Django's middleware, above the
    API's; the answer is problem+json all the same (schemathesis sent `Host: true`)."""
    client = api_for("hr")
    response = client.client.get("/api/v1/people", headers={**client.headers, "Host": "true"})
    body = assert_problem(response, 400)
    assert body["detail"] == "The request could not be handled."
    page = client.client.get("/people/", headers={"Host": "true"})  # the pages keep their page
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
