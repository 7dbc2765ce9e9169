"""The stored readiness (`promotions.ReadinessRecord`): written when a cycle is released,
recomputed when the rule or a person's level changes, equal to the computed figure, an
organization's own, and read a page at a time in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.scoping import scope
from people.models import Person
from people.services import update_person
from promotions.access import viewer_of
from promotions.models import ReadinessRecord
from promotions.selectors import candidates_for, readiness_list
from promotions.services.readiness import refresh_readiness, stale_people
from tests.growth.factories import readiness_rule
from tests.promotions.factories import NOT_READY, READY, reviewed
from tests.promotions.helpers import add_people

pytestmark = pytest.mark.django_db


def _figures(c):
    return (
        c.person.pk,
        c.family_id,
        c.family_name,
        c.level_uid,
        c.level_code,
        c.level_title,
        c.track,
        c.cycle,
        c.participant,
        c.ready,
        c.assessed,
        c.rule,
        c.notes,
        c.open_case,
        [
            (
                x.level_uid,
                x.level_code,
                x.level_title,
                x.track,
                x.changes_track,
                x.ready,
                x.readiness.figure,
                x.readiness.assessed,
                x.readiness.exact_percent,
                [(s.uid, s.text, s.ratings, s.passed) for s in x.readiness.statements],
                [s.uid for s in x.readiness.missing],
            )
            for x in c.targets
        ],
    )


def _stored(world):
    return readiness_list(world.acme, viewer_of(world.hr), everyone=True).candidates


def test_release_stores_the_figures_the_rule_computes(t, world):
    part = reviewed(world, t, NOT_READY)
    row = ReadinessRecord.objects.get(person=t.emma)  # written by the release itself
    assert row.cycle_id == part.cycle_id and row.participant_id == part.pk
    assert row.organization_id == world.acme.pk and row.listed and not row.ready
    g3 = next(x for x in row.targets if x["level_code"] == "G3")
    assert (g3["met"], g3["total"], g3["ready"], g3["assessed"]) == (2, 5, False, True)
    assert len([s for s in g3["statements"] if not s["passed"]]) == 3  # the missing ones
    people = list(Person.objects.filter(is_active=True).order_by("name", "id"))
    computed = {c.person.pk: _figures(c) for c in candidates_for(world.acme, people)}
    stored = {c.person.pk: _figures(c) for c in _stored(world)}
    assert stored == computed and t.emma.pk in stored


def test_a_rule_change_recomputes(t, world):
    reviewed(world, t, NOT_READY)
    assert not ReadinessRecord.objects.get(person=t.emma).ready
    readiness_rule(world, 40)
    row = ReadinessRecord.objects.get(person=t.emma)
    assert row.ready and row.best_percent == 40.0
    found = readiness_list(world.acme, viewer_of(world.hr)).candidates
    assert [c.person for c in found] == [t.emma]
    assert "at least 40%" in found[0:1][0].target(t.levels["G3"].uid).readiness.words


def test_a_level_change_recomputes(t, world):
    reviewed(world, t, READY)
    assert ReadinessRecord.objects.get(person=t.emma).ready
    update_person(t.emma, actor=world.owner, expected_revision=None, level=t.levels["G3"])
    row = ReadinessRecord.objects.get(person=t.emma)
    assert row.level_uid == t.levels["G3"].uid and row.level_code == "G3"
    assert row.cycle is None and not row.ready and not row.assessed
    assert {x["level_code"] for x in row.targets} == {"G4", "M4"}


def test_a_newer_release_recomputes(t, world):
    reviewed(world, t, NOT_READY, name="2026 H1")
    later = reviewed(world, t, READY, name="2026 H2")
    row = ReadinessRecord.objects.get(person=t.emma)
    assert row.cycle_id == later.cycle_id and row.ready


def test_a_place_changed_in_bulk_is_recomputed_when_read(t, world):
    """A bulk write (an import, a data fix) sends no signal: the list recomputes the rows
    whose place no longer matches before it reads."""
    reviewed(world, t, READY)
    Person.objects.filter(pk=t.emma.pk).update(level_uid=t.levels["G3"].uid)
    assert stale_people(Person.objects.all()).get() == t.emma
    found = {c.person: c for c in _stored(world)}
    assert found[t.emma].level_code == "G3" and not found[t.emma].ready
    assert not stale_people(Person.objects.all()).exists()


def test_the_rows_are_the_organizations_own(t, world):
    reviewed(world, t, READY)
    assert ReadinessRecord.objects.filter(person=t.emma).exists()
    with scope(world.globex):
        assert not ReadinessRecord.objects.exists()
        theirs = readiness_list(world.globex, viewer_of(world.outsider), everyone=True)
        assert list(theirs.candidates) == []
    with scope(world.globex):
        refresh_readiness(world.globex)
        assert not ReadinessRecord.objects.exists()  # nobody there is on a ladder
    assert ReadinessRecord.objects.filter(organization=world.acme).count() >= 2


def test_the_page_and_the_api_are_paged_in_sql(t, world, monkeypatch):
    monkeypatch.setattr("promotions.views.readiness.PAGE_SIZE", 3)
    reviewed(world, t, READY)
    add_people(world, t, 3, 0)  # 5 on a ladder: Emma, Max and 3 more
    client = world.client_for(world.hr)
    url = reverse("promotions:readiness") + "?show=everyone"
    first = client.get(url)
    assert first.status_code == 200
    body = " ".join(first.content.decode().split())
    assert "Page 1 of 2" in body and "Emma Employee" in body  # ready first
    assert body.count("Start a case<span") == 3
    assert "1 of 5 shown are ready" in body and "show=everyone&amp;page=2" in body
    second = client.get(url + "&page=2").content.decode()
    assert "Page 2 of 2" in second and second.count("Start a case<span") == 2
    with CaptureQueriesContext(connection) as small:
        assert client.get(url + "&page=2").status_code == 200
    add_people(world, t, 3, 100)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url + "&page=2").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)

    from api.tokens import create_token

    _token, raw = create_token(world.acme, user=world.hr, actor=world.hr, name="t", days=1)
    api = client.get(
        "/api/v1/promotions/readiness?everyone=true&limit=2",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()
    assert api["count"] == 8 and len(api["items"]) == 2
    assert api["items"][0]["name"] == "Emma Employee" and api["items"][0]["ready"]
    assert "offset=2" in api["next"]


def test_an_import_recomputes_readiness_once_for_everyone_it_placed(world, monkeypatch):
    """Not once per person: a 2,000-person import spent most of its time there."""
    from promotions import receivers
    from spreadsheets import services as sheets
    from spreadsheets.writer import blank_template, example_people

    calls: list[list[int]] = []
    monkeypatch.setattr(receivers, "refresh_readiness", lambda org, ids=None: calls.append(ids))
    with scope(world.acme):
        result = sheets.check_workbook(blank_template(), name="master-template.xlsx")
        families, people = result.parsed.families, result.parsed.people  # type: ignore[union-attr]
        sheets.apply_import(world.acme, families, people, actor=world.hr)
        placed = set(
            Person.objects.filter(email__in=[p.email for p in example_people()]).values_list(
                "pk", flat=True
            )
        )
    assert len(calls) == 1 and set(calls[0]) == placed and placed


def _queries(action) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return [q["sql"] for q in ctx.captured_queries]


def _recompute(person) -> list[str]:
    """The queries of one person's recompute, as `create_person` and `update_person` run
    it (the receiver of `people.signals.placement_changed`)."""
    from promotions.receivers import readiness_on_placement

    person = Person.objects.select_related("organization").get(pk=person.pk)
    return _queries(lambda: readiness_on_placement(sender=Person, person=person))


def test_one_persons_recompute_costs_the_same_few_queries_at_any_size(t, world):
    """Adding or moving one person recomputes their readiness alone, in a handful of
    queries: the same at 5 people and 50, with one released cycle and three."""
    serial = iter(range(1000))

    def create():
        add_people(world, t, 1, next(serial))  # one create_person, on G2 under Max

    def move(code):
        return lambda: update_person(
            t.emma, actor=world.owner, expected_revision=None, level=t.levels[code]
        )

    def counts():
        return {
            "create": len(_queries(create)),
            "move up": len(_queries(move("G3"))),
            "move back": len(_queries(move("G2"))),  # back onto the reviewed level
            "recompute": len(_recompute(t.emma)),
        }

    no_cycle = counts()
    reviewed(world, t, NOT_READY, name="2026 H1")
    small = counts()
    add_people(world, t, 45, 100)
    reviewed(world, t, NOT_READY, name="2026 H2")
    reviewed(world, t, READY, name="2027 H1")
    large = counts()
    print(
        "queries (no cycle, 1 cycle and 5 people, 3 cycles and 50 people):", no_cycle, small, large
    )
    assert large == small
    # the family's current version, its levels, the statements one step up, the latest
    # release (and its ratings), the rule; then delete and insert the row
    assert (no_cycle["recompute"], small["recompute"]) == (7, 8)
    assert ReadinessRecord.objects.get(person=t.emma).ready
    # and the rows written one person at a time hold the figures computed for everyone
    assert not stale_people(Person.objects.all()).exists()
    people = list(Person.objects.filter(is_active=True).order_by("name", "id"))
    computed = {c.person.pk: _figures(c) for c in candidates_for(world.acme, people)}
    assert {c.person.pk: _figures(c) for c in _stored(world)} == computed
    assert len(computed) == 2 + 3 + 45  # Emma, Max, those created one by one and in bulk
