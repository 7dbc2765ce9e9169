"""A read-only organization offers no change it would refuse (issue 8, fix 1).

Every page of the product (tests/access_routes.py) is opened by each role of a
read-only Acme, and every POST form on it is checked: it may only post to a URL that
still works when the organization is read-only (`core.read_only.ALLOWED`: log out,
switch organization, pay, check a statement, …). A form that would answer "Acme is
read-only" after someone typed into it must not be shown at all."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from core.read_only import ALLOWED
from tests import access_routes
from tests.organizations.test_trial import READ_ONLY, expire
from tests.test_access_matrix import _kwargs

pytestmark = pytest.mark.django_db

ROLES = ["owner", "hr", "manager", "employee"]
PAGES = sorted(
    n for n, r in access_routes.ROUTES.items() if r.kind in ("tenant", "catalog", "public")
)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.posts.append(a.get("action") or "")
        # htmx posts from any element
        if a.get("hx-post") is not None:
            self.posts.append(a.get("hx-post") or "")


def post_targets(html: str, page_url: str) -> list[str]:
    parser = _Forms()
    parser.feed(html)
    return [urlsplit(action).path or page_url for action in parser.posts]


def url_name(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.view_name


@pytest.fixture
def read_only_world(world: Any) -> tuple[Any, dict[str, Any]]:
    from organizations.scoping import scope

    with scope(world.acme):
        objects = {name: fn(world) for name, fn in access_routes.BUILDERS.items()}
    expire(world.acme)
    return world, objects


def test_no_page_of_a_read_only_organization_offers_a_change_it_would_refuse(read_only_world):
    world, objects = read_only_world
    offending: dict[str, set[str]] = {}
    walked = 0
    for role in ROLES:
        client = world.client_for(getattr(world, role))
        for name in PAGES:
            route = access_routes.ROUTES[name]
            if route.kind == "public" and route.kwargs:
                continue
            url = reverse(name, kwargs=_kwargs(route, objects))
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            walked += 1
            for target in post_targets(response.content.decode(), url):
                if url_name(target) not in ALLOWED:
                    offending.setdefault(f"{role} {name}", set()).add(url_name(target))
    assert walked > 100
    assert not offending, "\n".join(f"{k}: {sorted(v)}" for k, v in sorted(offending.items()))


def test_what_the_services_allow_is_still_offered():
    """The POSTs a read-only organization may still make (tests/test_access_roles.py) keep
    their forms."""
    from tests.test_access_roles import READ_ONLY_ALLOWED

    assert READ_ONLY_ALLOWED <= ALLOWED


@pytest.mark.parametrize("name", sorted(n for n in ALLOWED if ":" in n or n.startswith("account")))
def test_what_stays_offered_is_not_refused(read_only_world, name):
    """A URL the read-only pages still post to never answers "read-only"."""
    world, objects = read_only_world
    route = access_routes.ROUTES.get(name)
    if route is None:
        pytest.skip(f"{name} is not a product URL here")
    url = reverse(name, kwargs=_kwargs(route, objects))
    response = world.client_for(world.owner).post(url, {})
    assert READ_ONLY not in response.content, url
    assert not re.search(
        rb"is read-only: the (free trial|subscription) has ended", response.content
    )
