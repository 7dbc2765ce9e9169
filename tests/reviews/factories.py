"""A review-ready Acme for the review-cycle tests.

`team(world)` publishes the small Product Management ladder (tests/framework_fixtures)
and places people on it: Emma (PM2) reports to Max (PM3, a manager), who reports to
Olivia; three peers with logins (Pia, Paul, Petra, PM2, also Max's reports) and Hana in
HR (no ladder). `publish_fix(...)` publishes a v2 with one statement reworded, one added
and one removed, through the ladder editor (statement uids are stable across versions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frameworks.models import Competency, FrameworkVersion, JobFamily, Level, Statement
from frameworks.services import publish_draft, start_draft
from organizations.models import Role
from organizations.services import add_member
from people.services import create_person
from tests.conftest import make_user
from tests.factories import make_people, place
from tests.framework_fixtures import load, small_family, write_cell


@dataclass
class Team:
    family: JobFamily
    v1: FrameworkVersion
    levels: dict[str, Level]
    emma: Any
    max: Any
    peers: list[Any]  # Person rows with logins
    peer_users: list[Any]


def person_with_login(world: Any, email: str, name: str, **fields: Any) -> tuple[Any, Any]:
    user = make_user(email, name)
    add_member(world.acme, user, role=Role.MEMBER, actor=world.owner)
    person = create_person(
        world.acme, actor=world.owner, name=name, email=email, user=user, **fields
    )
    return person, user


def place_team(
    world: Any,
    version: FrameworkVersion,
    *,
    manager_level: str,
    employee_level: str,
    peers: int = 3,
) -> tuple[dict[str, Level], list[Any], list[Any]]:
    """Put Max (reporting to Olivia) and Emma on `version`'s ladder and add up to three
    peers with logins (Pia, Paul, Petra) on Emma's level, reporting to Max."""
    family = version.family
    levels = {lv.code: lv for lv in Level.objects.filter(version=version)}
    place(world.p_manager, levels[manager_level], actor=world.owner, manager=world.p_owner)
    place(world.p_employee, levels[employee_level], actor=world.owner)
    people, users = [], []
    for first in ("Pia", "Paul", "Petra")[:peers]:
        person, user = person_with_login(
            world,
            f"{first.lower()}@acme.test",
            f"{first} Peer",
            manager=world.p_manager,
            job_family=family,
            level=levels[employee_level],
        )
        people.append(person)
        users.append(user)
    world.p_employee.refresh_from_db()
    world.p_manager.refresh_from_db()
    return levels, people, users


def team(world: Any) -> Team:
    """Call inside scope(world.acme)."""
    v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
    levels, peers, users = place_team(world, v1, manager_level="PM3", employee_level="PM2")
    return Team(v1.family, v1, levels, world.p_employee, world.p_manager, peers, users)


def statements(version: FrameworkVersion, comp: str, code: str) -> list[Statement]:
    return list(
        Statement.objects.filter(version=version, competency__name=comp, level__code=code).order_by(
            "position", "id"
        )
    )


def publish_fix(
    family: JobFamily,
    actor: Any,
    *,
    cells: dict[tuple[str, str], list[str]],
    note: str = "Fix wording",
) -> FrameworkVersion:
    """Publish the next version with the given cells ((competency, level code) → lines)
    rewritten through the editor; frameworks keeps each statement's uid across versions."""
    draft = start_draft(family, actor=actor)
    for (comp, code), lines in cells.items():
        draft.refresh_from_db()
        write_cell(
            draft,
            Competency.objects.get(version=draft, name=comp).uid,
            Level.objects.get(version=draft, code=code).uid,
            *lines,
            actor=actor,
            revision=draft.revision,
        )
    draft.refresh_from_db()
    return publish_draft(draft, actor=actor, note=note)


def more_people(world: Any, t: Team, n: int) -> list[Any]:
    """`n` more PM1s reporting to Max (for query counts at two sizes)."""
    return make_people(
        world,
        n,
        name="Extra {}",
        email="extra{}@acme.test",
        manager=t.max,
        job_family=t.family,
        level=t.levels["PM1"],
    )
