"""Two organizations' ladders for the cross-organization tests: Acme's published v1 and a
draft, Globex's own (the `ladders` fixture in tests/conftest.py builds them); and checks
that no Globex row points at an Acme row."""

from __future__ import annotations

from typing import Any

from frameworks.services import start_draft
from organizations.scoping import scope, unscoped
from people.models import Person
from tests.framework_fixtures import load, small_family


class Ladders:
    def __init__(self, world: Any) -> None:
        with scope(world.acme):
            v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
            self.acme_family = v1.family
            self.acme_v1 = v1
            self.acme_draft = start_draft(v1.family, actor=world.hr)
            self.acme_level = self.acme_draft.levels.get(code="PM2")
            self.acme_published_level = v1.levels.get(code="PM2")
            self.acme_competency = self.acme_draft.competencies.get(name="Prioritization")
            self.acme_category = self.acme_draft.categories.get(name="Leadership")
        with scope(world.globex):
            g1 = load(world.globex, small_family("Globex PM"), actor=world.outsider, publish=True)
            self.globex_family = g1.family
            self.globex_v1 = g1
            self.globex_draft = start_draft(g1.family, actor=world.outsider)


def _globex_people() -> list[Person]:
    with unscoped():
        return list(Person._base_manager.filter(organization__slug="globex"))


def _no_cross_links() -> None:
    """No Globex row points at an Acme row (manager, family, level)."""
    with unscoped():
        for p in Person._base_manager.select_related("manager", "job_family").all():
            for other in (p.manager, p.job_family, p.level):
                if other is not None:
                    assert other.organization_id == p.organization_id, (p, other)
