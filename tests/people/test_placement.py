"""A person's place: their family and their level's uid, resolved against the current
version; a placement on a level only a draft has is pending until it is published."""

from __future__ import annotations

import pytest

from frameworks import services
from frameworks.models import Level
from people.models import LevelChange, Person
from people.services import PersonError, create_person, update_person
from tests.factories import place
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db


def test_a_person_cannot_be_put_on_a_level_of_an_old_version(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    draft = services.start_draft(v1.family, actor=world.hr)
    services.publish_draft(draft, actor=world.hr, note="Second version")
    old = Level.objects.get(version=v1, code="PM2")
    with pytest.raises(PersonError):
        place(world.p_employee, old, actor=world.hr)


def test_a_placement_on_a_draft_only_level_is_pending_until_published(acme_scope, world):
    from people.placement import placement_of

    draft = load(acme_scope, small_family(), actor=world.hr)
    level = Level.objects.get(version=draft, code="PM2")
    person = create_person(
        acme_scope,
        actor=world.hr,
        name="Pat Pending",
        email="pat@acme.test",
        job_family=draft.family,
        level=level,
    )
    assert placement_of(person).pending
    services.publish_draft(draft, actor=world.hr, note="First version")
    person.refresh_from_db()
    placed = placement_of(person)
    assert not placed.pending
    assert placed.level.code == "PM2"
    assert placed.level.version_id == draft.pk


def test_publishing_moves_nobodys_row_and_history_names_the_version(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    pm2 = Level.objects.get(version=v1, code="PM2")
    person = update_person(
        world.p_employee, actor=world.hr, expected_revision=None, job_family=v1.family, level=pm2
    )
    change = LevelChange.objects.filter(person=person).latest("id")
    assert (change.version_id, change.level_uid) == (v1.pk, pm2.uid)
    row = Person.objects.filter(pk=person.pk).values("revision", "updated_at").get()
    draft = services.start_draft(v1.family, actor=world.hr)
    services.update_level(
        draft, pm2.uid, actor=world.hr, expected_revision=draft.revision, title="PM Two"
    )
    v2 = services.publish_draft(draft, actor=world.hr, note="Renamed")
    assert Person.objects.filter(pk=person.pk).values("revision", "updated_at").get() == row
    person.refresh_from_db()
    assert (person.level.version_id, person.level.title) == (v2.pk, "PM Two")
    renamed = LevelChange.objects.filter(person=person).latest("id")
    assert (renamed.version_id, renamed.level_title) == (v2.pk, "PM Two")


def test_a_list_of_people_resolves_its_placements_in_constant_queries(
    acme_scope, world, django_assert_max_num_queries
):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    levels = list(Level.objects.filter(version=v1))
    for n in range(12):
        create_person(
            acme_scope,
            actor=world.hr,
            name=f"P{n}",
            email=f"p{n}@acme.test",
            job_family=v1.family,
            level=levels[n % len(levels)],
        )
    with django_assert_max_num_queries(3):
        codes = [p.level.code for p in Person.objects.exclude(level_uid="")]
    assert len(codes) == 12
