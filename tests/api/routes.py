"""Every operation of the API, with what each role gets (tests/api/test_access.py).

An operation missing here fails `test_every_operation_is_classified`. For each one:
`params` maps path parameters to objects built below (inside `scope(acme)`), `body`
builds a valid request body from those objects, and `expect` gives the status for each
Acme role (owner, hr, manager, employee). The outsider (Globex's owner, with a write
token) must get 404 on every operation that names an Acme object, and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("owner", "hr", "manager", "employee")
EVERYONE = {"owner": 200, "hr": 200, "manager": 200, "employee": 200}


def admins(ok: int = 200) -> dict[str, int]:
    return {"owner": ok, "hr": ok, "manager": 403, "employee": 403}


@dataclass
class Op:
    expect: dict[str, int]
    params: dict[str, str] = field(default_factory=dict)
    body: Callable[[dict[str, Any]], Any] | None = None
    multipart: bool = False


def _workbook() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from spreadsheets.writer import blank_template

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"file": SimpleUploadedFile("ladder.xlsx", blank_template(), xlsx), "dry_run": "true"}


OPS: dict[tuple[str, str], Op] = {
    ("GET", "/api/v1/me"): Op(EVERYONE),
    ("GET", "/api/v1/people"): Op(EVERYONE),
    ("POST", "/api/v1/people"): Op(
        admins(201), body=lambda o: {"name": "Nia New", "email": "nia@acme.test"}
    ),
    ("GET", "/api/v1/people/{id}"): Op(EVERYONE, params={"id": "person"}),
    ("PATCH", "/api/v1/people/{id}"): Op(
        admins(),
        params={"id": "person"},
        body=lambda o: {"revision": o["person"].revision, "title": "Changed"},
    ),
    ("GET", "/api/v1/frameworks"): Op(admins()),
    ("GET", "/api/v1/frameworks/{key}/versions/{number}"): Op(
        EVERYONE, params={"key": "family_key", "number": "version_number"}
    ),
    ("POST", "/api/v1/frameworks/{key}/publish"): Op(
        admins(), params={"key": "family_key"}, body=lambda o: {"note": "Second version"}
    ),
    ("POST", "/api/v1/frameworks/import"): Op(admins(), body=lambda o: _workbook(), multipart=True),
    ("GET", "/api/v1/frameworks/imports/{id}"): Op(admins(), params={"id": "import_job"}),
    ("POST", "/api/v1/frameworks/imports/{id}/confirm"): Op(admins(), params={"id": "import_job"}),
    ("GET", "/api/v1/frameworks/export"): Op(admins()),
}


def build_objects(world: Any) -> dict[str, Any]:
    """Acme objects the operations name (built inside scope(acme))."""
    from django.core.files.base import ContentFile  # noqa: F401

    from frameworks.services import start_draft
    from people.services import update_person
    from spreadsheets.services import start_import
    from spreadsheets.writer import blank_template
    from tests.framework_fixtures import load, small_family

    version = load(world.acme, small_family(), actor=world.owner, publish=True)
    family = version.family
    update_person(world.p_employee, actor=world.hr, expected_revision=None, job_family=family)
    start_draft(family, actor=world.hr)
    job = start_import(world.acme, name="ladder.xlsx", data=blank_template(), actor=world.hr)
    world.p_employee.refresh_from_db()
    return {
        "person": world.p_employee,
        "family_key": family.key,
        "version_number": version.number,
        "import_job": job,
    }
