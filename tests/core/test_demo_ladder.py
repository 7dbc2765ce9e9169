"""Issue 8, fix 7: the demo's reporting lines follow its own ladder. Managers stand on
Manager-track levels above their reports, nobody reports to someone at or below their own
rank, spans of control fit each level, and at the default size every level of every
family has someone."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from core.demo import FULL_DEMO, SPAN_DIRECTOR, SPAN_FIRST_LINE, SPAN_VP, _shape, seed
from frameworks.library import load_template
from frameworks.models import JobFamily, Level
from frameworks.selectors import current_versions
from frameworks.services import apply_family_data, publish_draft
from organizations.scoping import scope
from people.models import LevelChange, Person

pytestmark = pytest.mark.django_db

# the most direct reports a manager of each rank has (first line, director, VP, C-level):
# their managers, plus the senior ICs (Staff, Principal) who report to directors and VPs
MOST = {4: SPAN_FIRST_LINE + 1, 5: SPAN_DIRECTOR + 4, 6: SPAN_VP + 5, 7: 8}


def ladder_problems(rows: list[tuple[str, Level | None, str | None]]) -> list[str]:
    """Every broken rule in (name, level, manager name) rows; the CEO has no level."""
    levels = {name: level for name, level, _ in rows}
    problems = []
    for name, level, boss in rows:
        if boss is None:
            continue
        above = levels[boss]
        if above is None:
            continue  # the CEO, who stands on no ladder
        if above.track != "manager":
            problems.append(f"{name} reports to {boss}, who is not on the Manager track")
        if level is not None and above.rank <= level.rank:
            problems.append(f"{name} ({level.code}) reports to {boss} ({above.code}), not above")
    return problems


def span_problems(rows: list[tuple[str, Level | None, str | None]], least: int = 2) -> list[str]:
    levels = {name: level for name, level, _ in rows}
    reports = Counter(boss for _, _, boss in rows if boss is not None)
    problems = []
    for name, level in levels.items():
        if level is None or level.track != "manager":
            continue
        n = reports[name]
        if not least <= n <= MOST[level.rank]:
            problems.append(f"{name} ({level.code}) has {n} direct reports")
    return problems


def coverage_problems(
    rows: list[tuple[str, Level | None, str | None]], history: list[tuple[int, str]] = ()
) -> list[str]:
    """Levels of the three ladders nobody stands on (or, with `history`, stood on)."""
    on = defaultdict(set)
    for _, level, _ in rows:
        if level is not None:
            on[level.version.family_id].add(level.uid)
    for family_id, uid in history:
        on[family_id].add(uid)
    missing = []
    for family_id, version in current_versions().items():
        for level in Level.objects.filter(version=version):
            if level.uid not in on[family_id]:
                missing.append(f"{version.family.name} {level.code}")
    return missing


def test_the_seeded_demo_follows_its_ladder():
    result = seed("ladder", people=FULL_DEMO, seed=7)
    with scope(result.org):
        people = list(Person.objects.select_related("manager", "job_family"))
        rows = [(p.email, p.level, p.manager.email if p.manager else None) for p in people]
        assert ladder_problems(rows) == []
        # the demo's one approved promotion may move someone up and out of a team of two
        # (they then report a level higher), so a seeded team may be down to one
        assert span_problems(rows, least=1) == []
        # the demo's promotions then move someone up: count where they came from
        history = list(LevelChange.objects.values_list("job_family_id", "level_uid"))
        assert coverage_problems(rows, history) == []
        by_email = {p.email: p for p in people}
        cpo = by_email["carmen@ladder.test"]
        assert cpo.level.code == "CPO" and cpo.reports.count() >= 2
        manager, employee = by_email["manager@ladder.test"], by_email["employee@ladder.test"]
        assert manager.level.code == "GPM" and employee.manager == manager
        assert employee.level.code == "PM"
        # a full Manager track in each family, each level led from the one above
        chain, boss = [], manager
        while boss is not None:
            chain.append(boss.level.code if boss.level else "CEO")
            boss = boss.manager
        assert chain == ["GPM", "DIR", "VP", "CPO", "CEO"]


@pytest.mark.parametrize("count", [12, 14, 25, 39, 40, 41, 120, 400])
def test_every_size_keeps_the_rules(world, count):
    """Smaller demos drop people, whose reports move up; larger ones add managers as
    teams grow. The ranks always hold, and spans fit from the full size up."""
    with scope(world.acme):
        for key in ("product-management", "engineering", "design"):
            draft = apply_family_data(world.acme, load_template(key), actor=world.hr)
            publish_draft(draft, actor=world.hr, note="v1", reason="demo")
        families = {f.key: f for f in JobFamily.objects.all()}
        seats = _shape(world.acme, families, count)
        for n, seat in enumerate(seats):
            seat.name = seat.name or f"Seat {n}"
        rows = [(s.name, s.level, s.manager.name if s.manager else None) for s in seats]
        assert len(rows) == count
        assert ladder_problems(rows) == []
        emails = {s.email for s in seats}
        assert {"carmen@acme.test", "manager@acme.test", "employee@acme.test"} <= emails
        if count >= FULL_DEMO:
            assert span_problems(rows) == []
            assert coverage_problems(rows) == []
