"""The promotion tests' team (tests/promotions/factories.py), in Acme's scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.promotions.factories import PromotionTeam, promotion_team


@pytest.fixture
def t(acme_scope: Any, world: Any) -> PromotionTeam:
    return promotion_team(world)
