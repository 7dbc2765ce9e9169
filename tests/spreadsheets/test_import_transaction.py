"""Issue 9 finding 5: a big import holds the write lock (SQLite has one) for its writes
only. Everything it can read or work out first — the organization's people, the labels
of their places, the public ids of the rows it will write — is done before its
transaction, which checks that nothing changed meanwhile (the fingerprint) and then
writes: new people with their managers in one statement, never inserted and then
updated, and as many statements for 60 people as for 15. The timing with another
organization writing at the same time: test_import_lock.py and bench/import_lock.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from organizations.models import AuditEntry
from organizations.scoping import scope
from people.models import LevelChange, Person
from spreadsheets.services import applying
from spreadsheets.services.checking import ImportError_
from spreadsheets.validator.common import PersonRow

pytestmark = pytest.mark.django_db


def design() -> FamilyData:
    return FamilyData(
        name="Design",
        levels=[LevelData("D1", "Designer", 1), LevelData("D2", "Senior designer", 2)],
        competencies=[CompetencyData("Craft", statements={"D1": [StatementData("Makes things")]})],
    )


def people(count: int, domain: str = "acme.test") -> list[PersonRow]:
    """`count` new people, three to a manager (the first has none)."""
    return [
        PersonRow(
            row=i + 2,
            email=f"p{i}@{domain}",
            name=f"Person {i}",
            manager_email="" if i == 0 else f"p{(i - 1) // 3}@{domain}",
            family="Design",
            level=f"D{1 + i % 2}",
            start_date=None,
        )
        for i in range(count)
    ]


def apply_watched(org: Any, rows: list[PersonRow], actor: Any, **kwargs: Any) -> list[str]:
    """Apply the import; the SQL it ran inside its transaction."""
    inside: list[str] = []
    base = len(connection.atomic_blocks)

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if len(connection.atomic_blocks) > base:
            inside.append(sql)
        return execute(sql, params, many, context)

    with scope(org), connection.execute_wrapper(watch):
        applying.apply_import(org, [design()], rows, actor=actor, **kwargs)
    return inside


@pytest.fixture(autouse=True)
def _no_readiness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readiness is recomputed after the commit, in transactions of its own: not watched."""
    monkeypatch.setattr(applying, "placements_changed", SimpleNamespace(send=lambda **kw: None))


def test_the_import_reads_before_its_transaction_and_only_writes_in_it(world):
    inside = apply_watched(world.acme, people(15), world.hr)
    person_table = '"people_person"'
    # the directory (e-mails, names, places) was read before the transaction: inside, the
    # people's table is read only for the fingerprint and the next free key
    assert not [s for s in inside if s.startswith("SELECT") and f'{person_table}."email"' in s]
    # new people are written with their managers: one INSERT, no UPDATE after it
    assert [s for s in inside if s.startswith(f"INSERT INTO {person_table}")]
    assert not [s for s in inside if s.startswith(f"UPDATE {person_table}")]
    with scope(world.acme):
        made = {p.email: p for p in Person.objects.filter(email__endswith="@acme.test")}
        assert made["p0@acme.test"].manager is None
        assert made["p4@acme.test"].manager == made["p1@acme.test"]
        assert made["p14@acme.test"].manager == made["p4@acme.test"]
        assert made["p5@acme.test"].level.code == "D2" and made["p5@acme.test"].revision == 0
        new = [p for e, p in made.items() if e.startswith("p")]
        assert len(new) == 15
        assert LevelChange.objects.filter(person__in=new).count() == 15
        created = AuditEntry.objects.filter(action="person.created", target_type="person")
        entry = created.get(target_id=made["p4@acme.test"].public_id)
        assert entry.changes["manager"] == [None, "Person 1"]
        assert entry.changes["level"] == [None, "D1 Designer"]
        assert entry.public_id and entry.at is not None


def test_the_transaction_runs_as_many_statements_for_sixty_people_as_for_fifteen(world):
    few = apply_watched(world.acme, people(15), world.hr)
    many = apply_watched(world.globex, people(60, "globex.test"), world.outsider)
    assert len(many) == len(few), set(many) ^ set(few)


def test_a_change_between_the_reading_and_the_transaction_is_refused(world, monkeypatch):
    """What was read before the transaction is only used if nothing changed since."""
    real = applying.read_directory

    def read_then_someone_edits(org: Any, **kwargs: Any) -> Any:
        directory = real(org, **kwargs)
        Person.objects.filter(pk=world.p_employee.pk).update(name="Emma Renamed", revision=9)
        return directory

    monkeypatch.setattr(applying, "read_directory", read_then_someone_edits)
    with scope(world.acme):
        before = Person.objects.count()
        with pytest.raises(ImportError_, match="changed after this file was checked"):
            applying.apply_import(world.acme, [design()], people(5), actor=world.hr)
        assert Person.objects.count() == before
