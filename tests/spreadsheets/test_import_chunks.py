"""Issue 9 finding 5: a big import is written in short steps (a family's draft, then
`CHUNK_PEOPLE` people at a time, each its own transaction, so another organization's
write waits for one step, not the whole import) and stays all or nothing: each step
journals what it wrote (`AppliedChunk`), and an import that fails part-way — an error in
its own process, or a process that died and whose job the reaper marks failed — is
undone from that journal, exactly once, leaving the organization as it was: its people,
their level history, the audit log, its families and drafts. A worker killed for real:
test_worker_killed.py; the lock's wait: test_import_lock.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from frameworks.models import DraftEdit, FrameworkVersion, JobFamily, Level, Statement
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from frameworks.services import apply_family_data
from organizations.models import AuditEntry
from organizations.scoping import scope, unscoped
from people.models import LevelChange, Person
from spreadsheets.leases import reap_stale_jobs
from spreadsheets.models import AppliedChunk, ImportJob
from spreadsheets.services import applying
from spreadsheets.services.checking import ImportError_
from spreadsheets.services.undoing import undo_import
from spreadsheets.validator.common import PersonRow
from tests.spreadsheets.test_import_transaction import people as new_people

pytestmark = pytest.mark.django_db
CHUNK = 10


def family(name: str, statement: str) -> FamilyData:
    return FamilyData(
        name=name,
        levels=[LevelData("D1", "Designer", 1), LevelData("D2", "Senior designer", 2)],
        competencies=[CompetencyData("Craft", statements={"D1": [StatementData(statement)]})],
    )


def people(count: int) -> list[PersonRow]:
    """`count` new people, three to a manager, reports listed before their managers (the
    import writes managers first), and Emma moved and renamed."""
    emma = PersonRow(
        row=count + 2,
        email="emma@acme.test",
        name="Emma Moved",
        manager_email="p0@acme.test",
        family="Design",
        level="D2",
        start_date=dt.date(2024, 1, 2),
    )
    return [*reversed(new_people(count)), emma]


PERSON = (
    "pk", "email", "name", "manager_id", "job_family_id", "level_uid", "start_date",
    "revision", "updated_at",
)  # fmt: skip


def state() -> dict[str, Any]:
    """The organization as the import could change it (within its scope)."""
    return {
        "people": sorted(Person.objects.values_list(*PERSON)),
        "history": sorted(LevelChange.objects.values_list("pk", "person_id", "level_uid")),
        "audit": sorted(
            AuditEntry.objects.exclude(action__startswith="import.").values_list(
                "pk", "action", "target_id", "changes"
            )
        ),
        "families": sorted(JobFamily.objects.values_list("pk", "name", "description")),
        "versions": sorted(
            FrameworkVersion.objects.values_list("pk", "status", "revision", "source")
        ),
        "levels": sorted(Level.objects.values_list("version_id", "uid", "code", "title")),
        "statements": sorted(Statement.objects.values_list("version_id", "uid", "text")),
        "edits": sorted(DraftEdit.objects.values_list("version_id", "seq", "label")),
    }


@pytest.fixture(autouse=True)
def _small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applying, "CHUNK_PEOPLE", CHUNK)
    # readiness is recomputed after the commit, in transactions of its own: not watched
    monkeypatch.setattr(applying, "placements_changed", SimpleNamespace(send=lambda **kw: None))


@pytest.fixture
def org(world: Any) -> Any:
    """Acme with a Sales family whose draft has an undo stack, which the import replaces."""
    with scope(world.acme):
        draft = apply_family_data(world.acme, family("Sales", "Sells"), actor=world.hr)
        DraftEdit.objects.create(
            organization=world.acme, version=draft, seq=1, label="Undo edit of Craft"
        )
    return world.acme


def job(org: Any, actor: Any) -> ImportJob:
    return ImportJob.objects.create(
        organization=org,
        original_name="big.xlsx",
        created_by=actor,
        status=ImportJob.Status.APPLYING,
        heartbeat_at=timezone.now(),
    )


def apply(org: Any, actor: Any, job_id: int | None, count: int = 25) -> dict[str, Any]:
    return applying.apply_import(
        org,
        [family("Design", "Makes things"), family("Sales", "Sells more")],
        people(count),
        actor=actor,
        job_id=job_id,
    )


def fail_at_people_step(monkeypatch: pytest.MonkeyPatch, step: int, seen: list[int]) -> None:
    """`write_people` raises on its `step`-th call (1: the first people step); `seen` gets
    how many steps the journal held then, committed."""
    real, calls = applying.write_people, []

    def write_people(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == step:
            seen.append(AppliedChunk.objects.count())
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(applying, "write_people", write_people)


def test_an_import_is_written_in_steps_and_its_journal_dropped_when_done(world, org):
    with scope(org):
        running = job(org, world.hr)
        result = apply(org, world.hr, running.pk)
        running.refresh_from_db()
        assert running.status == ImportJob.Status.DONE
        assert (result["people_created"], result["people_updated"]) == (25, 1)
        assert not AppliedChunk.objects.exists()  # nothing to undo any more
        emma = Person.objects.get(email="emma@acme.test")
        assert (emma.name, emma.manager.email) == ("Emma Moved", "p0@acme.test")
        assert emma.level.code == "D2"
        assert Person.objects.get(email="p24@acme.test").manager.email == "p7@acme.test"


def test_a_failure_after_the_first_steps_leaves_the_organization_as_it_was(world, org, monkeypatch):
    seen: list[int] = []
    fail_at_people_step(monkeypatch, 2, seen)
    with scope(org):
        before = state()
        running = job(org, world.hr)
        with pytest.raises(RuntimeError, match="disk is full"):
            apply(org, world.hr, running.pk)
        # two drafts and the first ten rows were committed before the failure: managers
        # first, so p0, Emma (moved under p0) and eight others
        assert seen == [3]
        assert state() == before
        assert not AppliedChunk.objects.exists()
        undone = AuditEntry.objects.get(action="import.undone")
        assert undone.data == {
            "steps": 3, "people_removed": 9, "people_restored": 1, "people_edited_since": 0,
        }  # fmt: skip
        sales = FrameworkVersion.objects.get(family__name="Sales")
        assert Statement.objects.get(version=sales).text == "Sells"


def test_an_import_failing_in_its_last_step_is_undone_too(world, org, monkeypatch):
    seen: list[int] = []
    fail_at_people_step(monkeypatch, 3, seen)  # 26 rows: three steps
    with scope(org):
        before = state()
        with pytest.raises(RuntimeError):
            apply(org, world.hr, job(org, world.hr).pk)
        assert seen == [4]
        assert state() == before


def test_someone_elses_change_between_steps_stops_and_undoes_the_import(world, org, monkeypatch):
    """Each step checks that nobody else changed the frameworks or people since the last
    one: the import never overwrites an edit made while it ran."""
    real, calls = applying.Steps.step, []

    def step(self: Any, stage: str) -> Any:
        calls.append(stage)
        if len(calls) == 4:  # after the drafts and the first people step
            Person.objects.filter(pk=world.p_owner.pk).update(name="Olivia Edited", revision=7)
        return real(self, stage)

    monkeypatch.setattr(applying.Steps, "step", step)
    with scope(org):
        before = state()
        with pytest.raises(ImportError_, match="changed while this file was being imported"):
            apply(org, world.hr, job(org, world.hr).pk)
        owner = Person.objects.get(pk=world.p_owner.pk)
        assert (owner.name, owner.revision) == ("Olivia Edited", 7)  # the other edit stays
        Person.objects.filter(pk=owner.pk).update(
            name=world.p_owner.name, revision=world.p_owner.revision
        )
        assert state() == before


def test_a_dead_imports_steps_are_undone_once_by_the_reaper_and_audited(world, org, monkeypatch):
    seen: list[int] = []
    fail_at_people_step(monkeypatch, 2, seen)
    # the process dies where it would have undone its steps
    monkeypatch.setattr(applying, "_undo_after_failure", lambda job_id: None)
    with scope(org):
        before = state()
        running = job(org, world.hr)
        with pytest.raises(RuntimeError):
            apply(org, world.hr, running.pk)
        assert AppliedChunk.objects.filter(job=running).count() == 3
        assert Person.objects.filter(email__endswith="@acme.test").count() > len(before["people"])
        ImportJob.objects.filter(pk=running.pk).update(
            heartbeat_at=timezone.now() - dt.timedelta(hours=1)
        )
    with unscoped():  # the worker's reaper, twice (a restart)
        assert reap_stale_jobs() == 1
        assert reap_stale_jobs() == 0
    with scope(org):
        running.refresh_from_db()
        assert (running.status, running.interrupted) == (ImportJob.Status.FAILED, True)
        assert state() == before
        assert AuditEntry.objects.filter(action="import.interrupted").count() == 1
        assert AuditEntry.objects.filter(action="import.undone").count() == 1
        assert undo_import(running) == 0  # nothing left: a second undo does nothing


def test_an_undo_cut_short_is_finished_by_the_reaper(world, org, monkeypatch):
    """The import's own process failed, started undoing, and died after one step."""
    from spreadsheets.services import undoing

    seen: list[int] = []
    fail_at_people_step(monkeypatch, 3, seen)
    real, undone = undoing._undo, []

    def dies_after_one(*args: Any) -> Any:
        if undone:
            raise KeyboardInterrupt  # killed
        undone.append(1)
        return real(*args)

    monkeypatch.setattr(undoing, "_undo", dies_after_one)
    with scope(org):
        before = state()
        running = job(org, world.hr)
        with pytest.raises(KeyboardInterrupt):
            apply(org, world.hr, running.pk)
        assert AppliedChunk.objects.filter(job=running).count() == 3  # 4 written, 1 undone
        ImportJob.objects.filter(pk=running.pk).update(status=ImportJob.Status.FAILED)
    monkeypatch.setattr(undoing, "_undo", real)
    with unscoped():
        reap_stale_jobs()
    with scope(org):
        assert state() == before
        assert AuditEntry.objects.filter(action="import.undone").count() == 1


def test_each_people_step_runs_as_many_statements_whatever_the_import_size(world, org, monkeypatch):
    """The queries of a step do not grow with the rows or the import: a step of ten new
    people runs as many statements in an import of 30 as in one of 50."""
    real = applying.Steps.step
    steps: list[list[str]] = []
    inside = [False]

    @contextmanager
    def step(self: Any, stage: str) -> Iterator[Any]:
        steps.append([])
        inside[0] = True
        try:
            with real(self, stage) as undo:
                yield undo
        finally:
            inside[0] = False

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if inside[0]:
            steps[-1].append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(applying.Steps, "step", step)
    per_import = []
    for count in (29, 49):  # and Emma: 30 and 50 rows
        steps.clear()
        with scope(org), connection.execute_wrapper(watch):
            apply(org, world.hr, job(org, world.hr).pk, count)
        per_import.append([len(s) for s in steps])
        with scope(org):  # the next import's people are new again
            Person.objects.filter(email__startswith="p", email__endswith="@acme.test").delete()
    small, big = per_import
    assert (len(small), len(big)) == (5, 7), per_import  # 2 drafts, then 10 people a step
    # the first people step also looks up the places, the last has Emma: between them
    assert small[3] == big[3] == big[4] == big[5], per_import


def test_trying_again_finishes_the_undo_first(world, org, monkeypatch):
    """An interrupted import whose undo was not finished yet (its reaper has not come
    round) is undone before it is tried again, not applied over its own leftovers."""
    from spreadsheets.services import retry_import
    from spreadsheets.services.applying import payload_of
    from spreadsheets.validator import ParsedWorkbook

    seen: list[int] = []
    fail_at_people_step(monkeypatch, 2, seen)
    monkeypatch.setattr(applying, "_undo_after_failure", lambda job_id: None)  # died
    with scope(org):
        before = state()
        running = job(org, world.hr)
        with pytest.raises(RuntimeError):
            apply(org, world.hr, running.pk)
        parsed = ParsedWorkbook(
            families=[family("Design", "Makes things"), family("Sales", "Sells more")],
            people=people(25),
        )
        ImportJob.objects.filter(pk=running.pk).update(
            status=ImportJob.Status.FAILED, interrupted=True, payload=payload_of(parsed)
        )
        running.refresh_from_db()
        as_before: list[bool] = []  # whether it was, when the import was tried again
        monkeypatch.setattr(
            "spreadsheets.services.jobs.apply_import",
            lambda *a, **kw: as_before.append(state() == before) or {},
        )
        retry_import(running, actor=world.hr)
        assert as_before == [True]
        assert not AppliedChunk.objects.filter(job=running).exists()
