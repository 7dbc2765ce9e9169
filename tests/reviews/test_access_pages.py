"""Every review-cycle URL for every role: owner, HR admin, manager (Max, who reviews
Emma), employee (Emma) and the outsider (another organization). The objects are the
ones tests/access_routes.py builds; tests/test_access_matrix.py adds the POST side
for the outsider. Forms of others answer 404; a role too low answers 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from organizations.scoping import scope
from tests import access_routes

pytestmark = pytest.mark.django_db

ADMIN_ONLY = {"owner": 200, "hr": 200, "manager": 403, "employee": 403, "outsider": 404}
ADMIN_POST = {"owner": 405, "hr": 405, "manager": 403, "employee": 403, "outsider": 404}
EVERYONE_POST = {"owner": 405, "hr": 405, "manager": 405, "employee": 405, "outsider": 404}

EXPECTED: dict[str, dict[str, int]] = {
    "reviews:my_reviews": {
        "owner": 200,
        "hr": 200,
        "manager": 200,
        "employee": 200,
        "outsider": 200,
    },
    "reviews:cycles": {**ADMIN_ONLY, "outsider": 200},
    "reviews:new": {**ADMIN_ONLY, "outsider": 200},
    "reviews:scale": {**ADMIN_ONLY, "outsider": 200},
    # Emma's self-review, open and not submitted: HR may read it, Max not yet
    "reviews:form": {"owner": 200, "hr": 200, "manager": 404, "employee": 200, "outsider": 404},
    "reviews:form_save": {
        "owner": 405,
        "hr": 405,
        "manager": 404,
        "employee": 405,
        "outsider": 404,
    },
    "reviews:form_submit": {
        "owner": 405,
        "hr": 405,
        "manager": 404,
        "employee": 405,
        "outsider": 404,
    },
    "reviews:form_reopen": ADMIN_POST,
    "reviews:peers": {"owner": 200, "hr": 200, "manager": 200, "employee": 200, "outsider": 404},
    "reviews:peer_decide": EVERYONE_POST,
    "reviews:results": {"owner": 200, "hr": 200, "manager": 200, "employee": 200, "outsider": 404},
    "reviews:conversation": EVERYONE_POST,
    "reviews:acknowledge": EVERYONE_POST,
    "reviews:team": {"owner": 200, "hr": 200, "manager": 200, "employee": 404, "outsider": 404},
    "reviews:setup_name": ADMIN_ONLY,
    "reviews:setup_people": ADMIN_ONLY,
    "reviews:setup_inputs": ADMIN_ONLY,
    "reviews:setup_deadlines": ADMIN_ONLY,
    "reviews:setup_next_level": ADMIN_ONLY,
    "reviews:setup_preview": ADMIN_ONLY,
    "reviews:launch": ADMIN_POST,
    "reviews:delete": ADMIN_ONLY,
    "reviews:add_people": ADMIN_POST,
    "reviews:remove_participant": ADMIN_POST,
    "reviews:reassign": ADMIN_ONLY,
    "reviews:copy": ADMIN_POST,
    "reviews:cycle": ADMIN_ONLY,
    "reviews:remind": ADMIN_POST,
    "reviews:fixes": ADMIN_ONLY,
    "reviews:open_calibration": ADMIN_POST,
    "reviews:close": ADMIN_POST,
    "reviews:calibration": ADMIN_ONLY,
    "reviews:finalize": ADMIN_POST,
    "reviews:release": ADMIN_POST,
    "reviews:adjust": ADMIN_ONLY,
}


def test_every_review_url_has_expectations():
    names = {n for n in access_routes.ROUTES if n.startswith("reviews:")}
    assert names == set(EXPECTED)


@pytest.fixture
def urls(world: Any) -> dict[str, str]:
    with scope(world.acme):
        built = {name: fn(world) for name, fn in access_routes.BUILDERS.items()}
    out = {}
    for name in EXPECTED:
        route = access_routes.ROUTES[name]
        kwargs = {
            param: str(getattr(built[b], "public_id", built[b]))
            for param, b in route.kwargs.items()
        }
        out[name] = reverse(name, kwargs=kwargs or None)
    return out


def test_each_role_gets_what_it_should(world: Any, urls: dict[str, str]):
    users = {
        "owner": world.owner,
        "hr": world.hr,
        "manager": world.manager,
        "employee": world.employee,
        "outsider": world.outsider,
    }
    clients = {role: world.client_for(user) for role, user in users.items()}
    wrong = []
    for name, expected in EXPECTED.items():
        for role, status in expected.items():
            got = clients[role].get(urls[name]).status_code
            if got != status:
                wrong.append(f"{name} as {role}: {got}, expected {status}")
    assert not wrong, "\n".join(wrong)


def test_a_peer_form_is_seen_by_its_reviewer_only(world: Any, urls: dict[str, str]):
    """Hana (HR) is Emma's peer in the open cycle: she sees her own peer form; the owner
    (an admin too), Max and Emma do not."""
    from reviews.models import ReviewForm

    with scope(world.acme):
        peer_form = ReviewForm.objects.get(kind="peer", cycle__name="Review open")
    link = reverse("reviews:form", kwargs={"form_id": peer_form.public_id})
    assert world.client_for(world.hr).get(link).status_code == 200
    for user in (world.owner, world.manager, world.employee, world.outsider):
        assert world.client_for(user).get(link).status_code == 404
