"""The review tests' team (tests/reviews/factories.py), in Acme's scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reviews.factories import Team, team


@pytest.fixture
def t(acme_scope: Any, world: Any) -> Team:
    return team(world)
