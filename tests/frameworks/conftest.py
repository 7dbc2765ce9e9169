"""The small Product Management ladder of tests/framework_fixtures.py, as most of the
framework tests start from it: a draft, or its first published version."""

from __future__ import annotations

from typing import Any

import pytest

from tests.framework_fixtures import load, small_family


@pytest.fixture
def draft(world: Any, acme_scope: Any) -> Any:
    return load(world.acme, small_family(), actor=world.hr)


@pytest.fixture
def v1(world: Any, acme_scope: Any) -> Any:
    return load(world.acme, small_family(), actor=world.hr, publish=True)
