"""Every admin page refuses members; every write refuses a read-only organization; and the
isolation walk's refused writes carry data that does change Acme when its owner sends it.

The outsider (Olga, owner of Globex) is a legitimate HR user of *her* organization: she
POSTs Acme's public ids into Globex's own forms, and every one must be refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization, Role
from organizations.scoping import scope, unscoped
from people.models import Person
from tests import access_routes
from tests.access_routes.fixtures import (  # noqa: F401 (fixtures)
    access_module_objects,
    access_objects,
    access_world,
)
from tests.test_access_matrix import _kwargs, acme_fingerprint


def _view_role(name: str) -> str | None:
    from django.urls import resolve

    route = access_routes.ROUTES[name]
    dummy = {param: "234567892345" for param in route.kwargs}
    try:
        url = reverse(name, kwargs=dummy)
    except Exception:
        return None
    return getattr(resolve(url).func, "org_role", None)


ADMIN_ROUTES = sorted(
    n
    for n, r in access_routes.ROUTES.items()
    if r.kind in ("tenant", "catalog") and _view_role(n) in (Role.HR_ADMIN, Role.OWNER)
)
OWNER_ROUTES = sorted(n for n in ADMIN_ROUTES if _view_role(n) == Role.OWNER)


def test_admin_routes_were_found():
    assert len(ADMIN_ROUTES) > 30
    assert "people:edit" in ADMIN_ROUTES and "frameworks:cell" in ADMIN_ROUTES
    assert "organizations:change_role" in OWNER_ROUTES
    # the template library is for HR, as its menu item is (employees and managers: 403)
    library = {"frameworks:library", "frameworks:template_detail", "frameworks:template_compare"}
    assert library <= set(ADMIN_ROUTES)


@pytest.mark.parametrize("name", ADMIN_ROUTES)
def test_members_get_403_on_admin_routes(name: str, world: Any, objects: dict[str, Any]):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, objects))
    before = acme_fingerprint(world.acme)
    users = [world.employee, world.manager]
    if name in OWNER_ROUTES:
        users.append(world.hr)
    for user in users:
        client = world.client_for(user)
        assert client.get(url).status_code in (403, 405), f"GET {url} as {user}"
        response = client.post(url, {"name": "Hacked", "text": "Hacked", "note": "Hacked"})
        assert response.status_code in (403, 405), f"POST {url} as {user}"
    assert acme_fingerprint(world.acme) == before


# change nothing of Acme's; paying (checkout, the billing portal) is how a read-only
# organization gets its changes back
READ_ONLY_ALLOWED = {
    "organizations:switch",
    "frameworks:lint",
    "billing:checkout",
    "billing:portal",
}


# Revoking an API token only closes access, so a read-only organization may still do it
# (tests/api/test_token_pages.py checks it).
READ_ONLY_ALLOWED.add("api_tokens:revoke")
# Data rights do not end with a trial: a read-only organization still exports, erases a
# person who asked, and schedules or cancels its own deletion
# (tests/datarights/test_organization.py checks it).
READ_ONLY_ALLOWED |= {
    "datarights:person_erase",
    "datarights:organization_export",
    "datarights:organization_delete",
    "datarights:organization_delete_cancel",
}


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, r in access_routes.ROUTES.items()
        if r.kind in ("tenant", "catalog") and n not in READ_ONLY_ALLOWED
    ),
)
def test_read_only_organization_refuses_every_post(name: str, world: Any, objects: dict[str, Any]):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, objects))
    with unscoped():
        Organization.objects.filter(pk=world.acme.pk).update(
            trial_ends_at=timezone.now() - timedelta(days=1)
        )
    before = acme_fingerprint(world.acme)
    response = world.client_for(world.owner).post(
        url, {"name": "Hacked", "text": "Hacked", "note": "Hacked", "revision": 0}
    )
    assert response.status_code in (302, 403, 405), f"POST {url} → {response.status_code}"
    if response.status_code == 302:  # only a redirect to log in or to another page
        assert acme_fingerprint(world.acme) == before
    assert acme_fingerprint(world.acme) == before


def _realistic_payloads(world: Any, objs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per write route with an Acme object in the URL: form data that changes Acme's data
    when Acme's owner sends it. The outsider sends the very same data."""
    from spreadsheets.people_csv import preview

    rev = objs["draft"].revision
    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        staged = objs["people_import"]
        digest = preview(staged).fingerprint
    level = {"code": "PM2", "title": "Changed", "track": "shared", "rank": 2, "revision": rev}
    return {
        "people:edit": {
            "name": "Emma Renamed",
            "email": emma.email,
            "manager": world.p_manager.public_id,
            "revision": emma.revision,
            "level_effective_date": "2026-01-01",
        },
        "people:deactivate": {},
        "people:import_preview": {"digest": digest},
        "accounts:revoke_invitation": {},
        "organizations:change_role": {"role": "member"},
        "frameworks:discard_draft": {"revision": rev},
        "frameworks:publish": {
            "note": "Second version",
            "reason": "Checked by HR.",  # publishing flagged statements needs a reason
            "revision": rev,
        },
        "frameworks:level_add": {**level, "code": "PM9", "rank": 9, "track": "ic"},
        "frameworks:category_add": {"name": "New category", "revision": rev},
        "frameworks:competency_add": {"name": "New competency", "revision": rev},
        "frameworks:cell": {"text": "A new statement.", "revision": rev},
        "frameworks:level_edit": level,
        "frameworks:level_move": {"direction": "1", "revision": rev},
        "frameworks:level_remove": {"revision": rev},
        "frameworks:category_edit": {"name": "Renamed", "revision": rev},
        "frameworks:category_move": {"direction": "-1", "revision": rev},
        "frameworks:category_remove": {"revision": rev},
        "frameworks:competency_edit": {"name": "Renamed", "revision": rev},
        "frameworks:competency_move": {"direction": "1", "revision": rev},
        "frameworks:competency_remove": {"revision": rev},
    }


WRITE_ROUTES = [
    "people:edit",
    "people:deactivate",
    "people:import_preview",
    "accounts:revoke_invitation",
    "organizations:change_role",
    "frameworks:discard_draft",
    "frameworks:publish",
    "frameworks:level_add",
    "frameworks:category_add",
    "frameworks:competency_add",
    "frameworks:cell",
    "frameworks:level_edit",
    "frameworks:level_move",
    "frameworks:level_remove",
    "frameworks:category_edit",
    "frameworks:category_move",
    "frameworks:category_remove",
    "frameworks:competency_edit",
    # competency_move is left out: the builder's competency is alone in its category
    "frameworks:competency_remove",
]


@pytest.mark.parametrize("name", WRITE_ROUTES)
def test_outsider_payload_would_write_for_the_owner(name: str, world: Any, objects: dict[str, Any]):
    """The outsider's refused POST carries data that does change Acme when the owner
    sends it, so the 404 in the isolation test is what stops it."""
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, objects))
    payload = _realistic_payloads(world, objects)[name]
    before = acme_fingerprint(world.acme)
    response = world.client_for(world.outsider).post(url, payload)
    assert response.status_code == 404, f"POST {url} → {response.status_code}"
    assert acme_fingerprint(world.acme) == before
    world.client_for(world.owner).post(url, payload)
    assert acme_fingerprint(world.acme) != before, f"the payload for {name} changes nothing"
