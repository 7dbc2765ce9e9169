"""Findings 7 and 8 of the hardening review: pages and downloads with personal data are
not stored by browsers or proxies, no page offers a GET logout link, a refusal (403) logs
one line, and refused or failed imports are in the audit log."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.urls import reverse

from organizations.models import AuditEntry
from organizations.scoping import scope
from tests import access_routes
from tests.test_access_matrix import TENANT_ROUTES, _kwargs

pytestmark = pytest.mark.django_db

GET_LOGOUT = re.compile(r"""<a\b[^>]*href=["'][^"']*/accounts/logout/""", re.I)
ACCOUNT_PAGES = [
    "account_email",
    "account_change_password",
    "mfa_index",
    "account_logout",
    "dashboard",
]


@pytest.fixture
def objects(world: Any) -> dict[str, Any]:
    """Every kind of Acme object the URLs name (tests/access_routes)."""
    with scope(world.acme):
        return {name: build(world) for name, build in access_routes.BUILDERS.items()}


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_signed_in_page_and_download_is_no_store_without_a_get_logout_link(
    world,
    objects,
):
    client = world.client_for(world.owner)
    urls = [reverse(name) for name in ACCOUNT_PAGES]
    urls += [
        reverse(name, kwargs=_kwargs(access_routes.ROUTES[name], objects)) for name in TENANT_ROUTES
    ]
    seen = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        assert _no_store(response), f"{url}: {response.get('Cache-Control')}"
        if "html" in response.get("Content-Type", ""):
            body = response.content.decode()
            assert not GET_LOGOUT.search(body), f"{url} has a logout link (GET)"
    assert seen > 40


def test_downloads_with_personal_data_are_no_store(world, objects):
    client = world.client_for(world.hr)
    xlsx = client.get(reverse("spreadsheets:export"), {"family": "", "version": "published"})
    pdf = client.get(
        reverse("frameworks:ladder_pdf", kwargs={"person_id": objects["person"].public_id})
    )
    people = client.get(reverse("people:list"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    for response in (xlsx, pdf, people):  # (the PDF answers a redirect: no level yet)
        assert response.status_code in (200, 302)
        assert _no_store(response) and "private" in response["Cache-Control"]


def test_public_pages_keep_their_caching(client):
    assert not _no_store(client.get(reverse("landing")))


def test_a_refusal_logs_one_line_without_a_traceback(world, caplog):
    client = world.client_for(world.employee)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("spreadsheets:index"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    line = logging.Formatter().format(records[0])
    assert line.startswith("Forbidden (Permission denied): /spreadsheets/")
    assert "Traceback" not in line and "\n" not in line


def test_refused_and_failed_command_imports_are_audited(world, tmp_path):
    from django.core.management import CommandError, call_command

    from tests.data.malformed_workbooks import MALFORMED

    name, make, _ = MALFORMED["bad_track"]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(CommandError):
        call_command("import_framework", str(path), "--org", "acme")
    with scope(world.acme):
        entry = AuditEntry.objects.get(action="import.refused")
    assert entry.data["problems"] == 1
    assert "Shared, IC or Manager" in entry.data["first_problem"]
