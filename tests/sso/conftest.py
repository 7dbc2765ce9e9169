"""Fixtures for company sign-in: Acme with a verified domain and an identity provider
running on loopback (tests/sso/oidc_provider.py, tests/sso/saml_idp.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from organizations.scoping import scope
from tests.sso.oidc_provider import LocalOidcProvider
from tests.sso.saml_idp import LocalSamlIdp


@pytest.fixture(autouse=True)
def _static_dns(settings: Any) -> Iterator[None]:
    from sso.domains import StaticVerifier

    settings.SSO_DOMAIN_VERIFIER = "sso.domains.StaticVerifier"
    StaticVerifier.records = {}
    yield
    StaticVerifier.records = {}


def verify_acme_domain(world: Any, domain: str = "acme.test") -> Any:
    from sso.domains import StaticVerifier
    from sso.services import add_domain, verify_domain

    with scope(world.acme):
        item = add_domain(world.acme, actor=world.owner, domain=domain)
        StaticVerifier.records[item.txt_name] = [item.txt_value]
        return verify_domain(item, actor=world.owner)


def configure(world: Any, **fields: Any) -> Any:
    from sso.services import settings_for, update_sign_in

    with scope(world.acme):
        row = settings_for(world.acme)
        return update_sign_in(
            world.acme, actor=world.owner, expected_revision=row.revision, **fields
        )


def serving[P: (LocalOidcProvider, LocalSamlIdp)](world: Any, provider: P) -> Iterator[P]:
    """While in use, the provider runs and Acme (its domain verified) signs in through it."""
    verify_acme_domain(world)
    with provider:
        configure(world, **provider.sign_in_settings(), enabled=True)
        yield provider


@pytest.fixture
def oidc(world: Any) -> Iterator[LocalOidcProvider]:
    yield from serving(world, LocalOidcProvider())


@pytest.fixture
def saml(world: Any) -> Iterator[LocalSamlIdp]:
    from django.core.cache import cache

    cache.clear()  # allauth caches IdP metadata by URL
    yield from serving(world, LocalSamlIdp())


def to_identity_provider(client: Any, email: str) -> str:
    """Submit the company sign-in form; the page that answers sends the browser on to the
    identity provider (a meta refresh and a link). Returns where it sends it."""
    start = client.post("/accounts/company-sign-in/", {"email": email})
    assert start.status_code == 200, start.content[:500]
    page = start.content.decode()
    link = re.search(r'id="idp-link" href="([^"]+)"', page)
    assert link is not None, page[:1500]
    url = html.unescape(link[1])
    assert f'content="0;url={link[1]}"' in page
    return url


def oidc_sign_in(client: Any, provider: LocalOidcProvider, email: str) -> Any:
    """Start on the product's company sign-in page, pass through the provider, come back.
    Returns the product's answer to the callback."""
    import urllib.error
    import urllib.request

    location = to_identity_provider(client, email)
    assert location.startswith(provider.issuer + "/authorize")

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(Stop)
    try:
        opener.open(urllib.request.Request(location), timeout=10)  # noqa: S310
        raise AssertionError("the provider did not redirect back")
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()
        back = answer.headers["Location"]
    path = back.split("testserver", 1)[1]
    return client.get(path)


def saml_sign_in(client: Any, idp: LocalSamlIdp, email: str) -> Any:
    location = to_identity_provider(client, email)
    assert location.startswith(idp.sso_url)
    action, form = idp.post_form(location)
    acs = client.post(action.split("testserver", 1)[1], form)
    assert acs.status_code == 302
    return client.get(acs["Location"])
