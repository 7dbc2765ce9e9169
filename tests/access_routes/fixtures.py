"""The access walks' fixtures (tests/test_access_matrix.py, tests/test_access_roles.py):
Acme and every kind of its objects, built once per module (tests/conftest.py `module_db`)
and read again for each test. A module imports the three to use them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access_routes import build_all
from tests.conftest import World, fresh, fresh_world


@pytest.fixture(name="world")
def access_world(module_world: World, db: Any) -> World:
    return fresh_world(module_world)


@pytest.fixture(name="module_objects", scope="module")
def access_module_objects(module_world: World, module_db: Any) -> dict[str, Any]:
    return build_all(module_world, module_db)


@pytest.fixture(name="objects")
def access_objects(module_objects: dict[str, Any], world: World) -> dict[str, Any]:
    return {name: fresh(value) for name, value in module_objects.items()}
