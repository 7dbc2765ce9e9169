"""The app shell's tags (core/templatetags/app_shell.py) write what the layout's template
wrote: the signed-in top bar byte for byte (but for the CSRF token, masked afresh in
each render), for every role and with the organization switcher, and the remembered
`{% url %}` / `{% static %}` give what the tags give."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.templatetags.static import static
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from core.templatetags.app_shell import shell_url, static_url
from organizations.models import Membership, Role
from organizations.scoping import scope
from organizations.services import create_organization

pytestmark = pytest.mark.django_db

# templates/base.html's signed-in top bar as a template, before app_topbar (session 23)
REFERENCE = (Path(__file__).parent.parent / "data" / "topbar_reference.html").read_text()
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def both(client: Any, path: str) -> tuple[str, str]:
    """The reference and app_topbar rendered for the request a page was served to."""
    response = client.get(path)
    assert response.status_code == 200
    request = response.wsgi_request
    engine = engines["django"]
    with scope(request.organization):
        reference = engine.from_string(REFERENCE).render({}, request)
        ours = engine.from_string("{% load app_shell %}{% app_topbar %}").render({}, request)
    return TOKEN.sub(r'\1"', reference), TOKEN.sub(r'\1"', ours)


@pytest.mark.parametrize("who", ["owner", "hr", "manager", "employee"])
@pytest.mark.parametrize("path", ["/home/", "/reviews/", "/people/me/"])
def test_the_top_bar_is_the_templates_byte_for_byte(world: Any, who: str, path: str) -> None:
    client = world.client_for(getattr(world, who))
    reference, ours = both(client, path)
    assert ours == reference
    assert "Log out" in ours


def test_the_organization_switcher_and_names_are_escaped(world: Any) -> None:
    """Two organizations (the switcher), a name with markup, HR's administration menu."""
    other = create_organization(
        name='Tom & Jerry <b>"Ltd"</b>', slug="tj", owner=world.outsider, owner_name="Olga"
    )
    with scope(other):
        Membership.objects.create(organization=other, user=world.hr, role=Role.HR_ADMIN)
    world.hr.first_name = "<i>"
    world.hr.save(update_fields=["first_name"])
    client = world.client_for(world.hr)
    reference, ours = both(client, "/home/")
    assert ours == reference
    assert 'id="switch-org"' in ours and "Tom &amp; Jerry &lt;b&gt;" in ours
    assert '<span class="avatar" aria-hidden="true">&lt;</span>' in ours
    assert "Audit log" in ours and "mainnav--long" in ours


def test_a_member_who_is_not_in_the_directory(world: Any) -> None:
    """No person (no profile links), and a login without a name (the e-mail's initial)."""
    from organizations.services import add_member
    from tests.conftest import make_user

    nobody = make_user("zed@acme.test")
    with scope(world.acme):
        add_member(world.acme, nobody, role=Role.MEMBER, actor=world.owner)
    reference, ours = both(world.client_for(nobody), "/home/")
    assert ours == reference
    assert "My profile" not in ours and '<span class="avatar" aria-hidden="true">Z</span>' in ours


def test_remembered_urls_and_static_files_are_the_tags() -> None:
    for name in ("dashboard", "pricing", "account_logout", "reviews:my_reviews"):
        assert shell_url(name) == reverse(name)
    with pytest.raises(NoReverseMatch):
        shell_url("no-such-page")
    assert static_url("css/app.css") == static("css/app.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert static_url("css/app.css") == static("css/app.css") == "/elsewhere/css/app.css"
    assert static_url("css/app.css") == static("css/app.css")
