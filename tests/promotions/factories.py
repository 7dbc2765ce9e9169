"""A ladder, a team and released review cycles for the promotion tests.

The Growth ladder of tests/growth/factories.py with two more levels above the split:
G1, G2 (shared), G3 Senior Engineer (IC, 3), M3 Engineering Manager (Manager, 3),
G4 Staff Engineer (IC, 4: g4a, g4b) and M4 Senior Manager (Manager, 4: m4a).
Emma is on G2 and reports to Max (M3), who reports to Olivia. At the split Emma's levels
one step up are G3 (d3a, d3b, d3c, c3a, k3) and M3 (dm3, cm3a, cm3b)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frameworks.models import Level
from frameworks.schema import FamilyData, LevelData, StatementData
from reviews.models import Participant
from tests.framework_fixtures import load
from tests.growth.factories import GrowthTeam, growth_family, run_cycle
from tests.reviews.factories import place_team

# every statement rated 3 by the manager: ready for G3 (5 of 5) and M3 (3 of 3)
READY = {"d3a": 3, "d3b": 3, "d3c": 3, "c3a": 3, "k3": 4, "dm3": 3, "cm3a": 3, "cm3b": 3}
# G3: 2 of 5 at 3 or more (40%), M3: 1 of 3
NOT_READY = {"d3a": 2, "d3b": 2, "d3c": 2, "c3a": 3, "k3": 3, "dm3": 3, "cm3a": 1, "cm3b": 1}


def promotion_family() -> FamilyData:
    data = growth_family()
    data.name = "Engineering"
    data.levels += [
        LevelData("G4", "Staff Engineer", 4, "ic", "Several areas"),
        LevelData("M4", "Senior Manager", 4, "manager", "Several teams"),
    ]
    comps = {c.name: c for c in data.competencies}
    comps["Delivery"].statements["G4"] = [StatementData("g4a Ships a multi-team programme.")]
    comps["Craft"].statements["G4"] = [StatementData("g4b Sets standards across areas.")]
    comps["Delivery"].statements["M4"] = [StatementData("m4a Runs delivery for several teams.")]
    return data


@dataclass
class PromotionTeam(GrowthTeam):
    family: Any = None
    version: Any = None


def promotion_team(world: Any, *, peers: int = 0) -> PromotionTeam:
    """Call inside scope(world.acme)."""
    v1 = load(world.acme, promotion_family(), actor=world.hr, publish=True)
    levels, people, users = place_team(
        world, v1, manager_level="M3", employee_level="G2", peers=peers
    )
    return PromotionTeam(
        levels, world.p_employee, world.p_manager, people, users, family=v1.family, version=v1
    )


def reviewed(
    world: Any, t: PromotionTeam, ratings: dict[str, int], name: str = "2026 H1"
) -> Participant:
    """A released cycle for Emma in which her manager rated the next levels `ratings`
    (everything else 3)."""
    return run_cycle(
        world,
        t,
        name=name,
        manager=ratings,
        comments={"d3a": "Led the search rewrite end to end."},
    )


def level(t: PromotionTeam, code: str) -> Level:
    return t.levels[code]
