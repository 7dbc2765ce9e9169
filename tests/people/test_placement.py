"""A person's place: their family and their level's uid, resolved against the current
version; a placement on a level only a draft has is pending until it is published."""

from __future__ import annotations

import pytest

from frameworks import services
from frameworks.models import Level
from people.services import PersonError, create_person, update_person
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(strict=True, reason="issue 7: a v1 level is accepted while v2 is current")
def test_a_person_cannot_be_put_on_a_level_of_an_old_version(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    draft = services.start_draft(v1.family, actor=world.hr)
    services.publish_draft(draft, actor=world.hr, note="Second version")
    old = Level.objects.get(version=v1, code="PM2")
    with pytest.raises(PersonError):
        update_person(
            world.p_employee,
            actor=world.hr,
            expected_revision=None,
            job_family=v1.family,
            level=old,
        )


@pytest.mark.xfail(strict=True, reason="issue 7: no pending placements yet")
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
