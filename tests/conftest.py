"""Personas and fixtures shared by the whole suite.

Acme is the organization under test: Olivia (owner), Hana (HR admin), Max (a manager)
and Emma (an employee who reports to Max). Olga is an outsider: the owner of Globex,
another organization, who must never see or change anything of Acme's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The real-process fixtures (tests/processes.py), registered here once: imported into
# each module that uses them, a session fixture is made once per module, and the migrated
# file database (about 35 s of CPU in a subprocess) was made six times a run.
from tests.processes import file_db, migrated_file_db, queue_prefix  # noqa: F401

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    acme: Any
    globex: Any
    owner: Any
    hr: Any
    manager: Any
    employee: Any
    outsider: Any
    p_owner: Any
    p_hr: Any
    p_manager: Any
    p_employee: Any
    p_outsider: Any

    def client_for(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client


def make_user(email: str, name: str = "") -> Any:
    from organizations.services import create_user

    return create_user(email, password=PASSWORD, name=name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test has its own node id. schemathesis 4.32 builds one item per API operation
    with the same id under pytest 9 (the operation is in the name, not the id), and
    xdist's --dist loadgroup keys its work by id: it ran one operation of
    tests/api/test_schema.py and silently dropped the other 48. The operation goes into
    the id here; any other repeated id stops the run rather than skip tests unreported.

    Then the `xdist_group` marks, which xdist 3.8 no longer applies under pytest 9: it
    sets `item._nodeid`, but the id is now `item._id`, so every test of a group went to
    either worker and tests/test_query_counts.py built its module data on both. The
    group goes into the id here (`…@name`), as xdist meant to."""
    from _pytest.nodeid import NodeId

    seen: dict[str, pytest.Item] = {}
    for item in items:
        if not item.nodeid.endswith("::" + item.name):
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")  # type: ignore[union-attr]
        if item.nodeid in seen:
            raise pytest.UsageError(f"two tests share the node id {item.nodeid}")
        seen[item.nodeid] = item
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        for item in items:
            marks = item.iter_markers("xdist_group")
            groups = sorted({str(m.args[0] if m.args else m.kwargs["name"]) for m in marks})
            group = "_".join(groups)
            if group and not item.nodeid.endswith(f"@{group}"):
                item._id = NodeId.parse(f"{item.nodeid}@{group}")  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> Iterator[None]:
    """The migrated SQLite test database comes from a cache between runs (tests/schema_cache.py)."""
    from tests.schema_cache import cached_sqlite_test_db

    with cached_sqlite_test_db():
        yield


def build_world() -> World:
    from organizations.models import Role
    from organizations.scoping import scope
    from organizations.services import add_member, create_organization
    from people.services import ensure_person_for_user, update_person

    owner = make_user("olivia@acme.test", "Olivia Owner")
    hr = make_user("hana@acme.test", "Hana Hr")
    manager = make_user("max@acme.test", "Max Manager")
    employee = make_user("emma@acme.test", "Emma Employee")
    outsider = make_user("olga@globex.test", "Olga Outsider")
    acme = create_organization(name="Acme", slug="acme", owner=owner, owner_name="Olivia Owner")
    globex = create_organization(
        name="Globex", slug="globex", owner=outsider, owner_name="Olga Outsider"
    )
    with scope(acme):
        add_member(acme, hr, role=Role.HR_ADMIN, actor=owner)
        add_member(acme, manager, role=Role.MEMBER, actor=owner)
        add_member(acme, employee, role=Role.MEMBER, actor=owner)
        p_owner = ensure_person_for_user(acme, owner, actor=owner)
        p_hr = ensure_person_for_user(acme, hr, actor=owner)
        p_manager = ensure_person_for_user(acme, manager, actor=owner)
        p_employee = ensure_person_for_user(acme, employee, actor=owner)
        update_person(p_employee, actor=owner, expected_revision=None, manager=p_manager)
        p_employee.refresh_from_db()
    with scope(globex):
        p_outsider = ensure_person_for_user(globex, outsider, actor=outsider)
    return World(
        acme,
        globex,
        owner,
        hr,
        manager,
        employee,
        outsider,
        p_owner,
        p_hr,
        p_manager,
        p_employee,
        p_outsider,
    )


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


# --- data built once per module ---------------------------------------------------------
# A module whose tests each need the same costly data (the access walks: one test per
# route, each meeting every kind of Acme object) builds it once: `module_db` holds one
# transaction open for the module, each test runs in a savepoint inside it (pytest-django
# nests its per-test atomic block) that is rolled back, and the module's transaction is
# rolled back after its last test. Such a module overrides `world` with `fresh_world`.


def fast_settings() -> Any:
    from django.test import override_settings

    return override_settings(**FAST_SETTINGS)


@pytest.fixture(scope="module")
def module_db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_world(module_db: Any) -> World:
    with module_db.unblock(), fast_settings():
        return build_world()


def fresh(value: Any) -> Any:
    """`value` read again from the database if it is a row (a test may have changed it in
    memory; its changes to the database were rolled back)."""
    from django.db import models

    from organizations.scoping import unscoped

    if not isinstance(value, models.Model):
        return value
    with unscoped():
        return type(value)._default_manager.get(pk=value.pk)


def fresh_world(module_world: World) -> World:
    return World(*(fresh(getattr(module_world, f.name)) for f in fields(World)))


def file_storages(location: Path) -> dict[str, Any]:
    """The STORAGES setting with the files (uploads, exports) kept under `location`."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """The test's uploaded and generated files go to a folder of its own (returned)."""
    location = tmp_path / "media"
    settings.STORAGES = file_storages(location)
    return location


@pytest.fixture
def acme_scope(world: World) -> Iterator[Any]:
    from organizations.scoping import scope

    with scope(world.acme):
        yield world.acme


FAST_SETTINGS: dict[str, Any] = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
}


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    for name, value in FAST_SETTINGS.items():
        setattr(settings, name, value)


# --- browser tests ----------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def ladders(world: World) -> Any:
    """Acme's and Globex's ladders for the cross-organization tests (tests/cross_org.py)."""
    from tests.cross_org import Ladders

    return Ladders(world)
