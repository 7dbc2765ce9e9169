"""Every URL pattern of the product, classified for the isolation test
(tests/test_access_matrix.py). A URL pattern missing here fails that test.

How to add a URL:
- `public("name")` — anyone may load it (landing, login, …). The outsider must still not
  see Acme's data on it.
- `tenant("name")` — a page of the active organization with no object in the URL. The
  outsider (logged into Globex) gets their own organization's page; the test checks that
  nothing of Acme's appears and that a POST changes nothing of Acme's.
- `tenant("name", person_id="person")` — the URL names an object; each kwarg maps to the
  name of an Acme object made by a builder below. The outsider must get 404 on GET and
  POST, and nothing of Acme's may change.
- `token("name", token="invitation_token")` — secret-token URLs (invitations); a wrong
  token must 404.
- `bearer("name", user_id="person")` — endpoints for machines with an organization's
  bearer token (SCIM, tests/test_access_matrix.py `test_other_organizations_token…`).
- `dev("name")` — a development tool (the outbox): with the tool off, as in production
  and in tests, every GET and POST answers 404.
- `catalog("name", key="template_key")` — the URL names something every organization
  shares (a library template, an O*NET occupation), not a tenant object. The outsider may
  see it, but nothing of Acme's may show or change, even through a POST.

How to add an object: write a builder `@builder("name")` returning a model instance
(its `public_id` is used) or a string. Builders run inside `scope(acme)` with `world`.

The routes and builders are classified by area, in the modules of this package;
importing the package registers them all, area by area in a fixed order, since builders
run in the order they were registered (review cycles before promotion cases).
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.access_routes.registry import BUILDERS, ROUTES, Route

for _area in ("core", "frameworks", "integrations", "reviews", "promotions"):
    importlib.import_module(f"{__name__}.{_area}")


def build_all(world: Any, module_db: Any) -> dict[str, Any]:
    """Every builder's object, made once for a module's tests (tests/conftest.py `module_db`)."""
    from organizations.scoping import scope
    from tests.conftest import fast_settings

    with module_db.unblock(), fast_settings(), scope(world.acme):
        return {name: fn(world) for name, fn in BUILDERS.items()}


__all__ = ["BUILDERS", "ROUTES", "Route", "build_all"]
