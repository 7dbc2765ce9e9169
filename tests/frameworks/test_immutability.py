"""A published version and everything in it cannot be changed, even below the services."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from frameworks import services
from frameworks.errors import PublishedVersionError
from frameworks.models import (
    Competency,
    CompetencyCategory,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)
from tests.factories import place
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db
ITEMS = [Level, CompetencyCategory, Competency, Statement]


def refused_by_database(sql, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("model", ITEMS)
def test_save_and_delete_of_a_published_item_raise(v1, model):
    item = model.objects.filter(version=v1).first()
    item.position += 1
    with pytest.raises(PublishedVersionError):
        item.save()
    with pytest.raises(PublishedVersionError):
        item.delete()
    # the same row loaded without its version, as code far from the editor would
    stray = model.objects.get(pk=item.pk)
    with pytest.raises(PublishedVersionError):
        stray.save()


@pytest.mark.parametrize("model", ITEMS)
def test_bulk_updates_and_deletes_of_published_items_raise(v1, model):
    with pytest.raises(PublishedVersionError):
        model.objects.filter(version=v1).update(position=9)
    with pytest.raises(PublishedVersionError):
        model.objects.filter(version=v1).delete()
    assert model.objects.filter(version=v1).exists()


@pytest.mark.parametrize("table", [m._meta.db_table for m in ITEMS])
def test_the_database_refuses_a_raw_update_of_a_published_item(v1, table):
    refused_by_database(
        f"UPDATE {table} SET position = position + 1 WHERE version_id = %s",  # noqa: S608
        [v1.pk],
    )


def test_the_database_refuses_a_new_item_in_a_published_version(v1):
    draft = services.start_draft(v1.family, actor=None)
    level = Level.objects.get(version=draft, code="PM1")
    refused_by_database(
        "UPDATE frameworks_level SET version_id = %s WHERE id = %s", [v1.pk, level.pk]
    )
    refused_by_database(
        "INSERT INTO frameworks_competencycategory "
        "(organization_id, public_id, uid, position, version_id, name) "
        "VALUES (%s, 'x2345678', 'u2345678', 0, %s, 'Sneaked in')",
        [v1.organization_id, v1.pk],
    )


def test_a_published_version_row_is_fixed_but_may_lose_a_deleted_user(v1, world):
    refused_by_database(
        "UPDATE frameworks_frameworkversion SET note = 'rewritten' WHERE id = %s", [v1.pk]
    )
    with pytest.raises(PublishedVersionError):
        v1.save()
    with pytest.raises(PublishedVersionError):
        FrameworkVersion.objects.get(pk=v1.pk).delete()
    with connection.cursor() as cursor:  # what SET_NULL does when a user is deleted
        cursor.execute(
            "UPDATE frameworks_frameworkversion SET published_by_id = NULL, created_by_id = NULL "
            "WHERE id = %s",
            [v1.pk],
        )
    v1.refresh_from_db()
    assert v1.published_by is None and v1.note == "First version"


def test_a_family_with_a_published_version_cannot_be_deleted(v1):
    with pytest.raises(ProtectedError), transaction.atomic():
        JobFamily.objects.get(pk=v1.family_id).delete()
    assert Level.objects.filter(version=v1).count() == len(small_family().levels)


def test_drafts_stay_editable_and_publishing_still_works(v1, world):
    draft = services.start_draft(v1.family, actor=world.hr)
    level = Level.objects.get(version=draft, code="PM1")
    services.update_level(
        draft, level.uid, title="Junior PM", actor=world.hr, expected_revision=draft.revision
    )
    v2 = services.publish_draft(draft, actor=world.hr, note="Renamed PM1")
    assert Level.objects.get(version=v2, uid=level.uid).title == "Junior PM"
    assert Level.objects.get(version=v1, uid=level.uid).title == "Associate PM"


@pytest.mark.parametrize("table", [m._meta.db_table for m in ITEMS])
def test_the_database_refuses_a_raw_delete_of_a_published_item(v1, table):
    refused_by_database(f"DELETE FROM {table} WHERE version_id = %s", [v1.pk])  # noqa: S608


def test_the_database_refuses_a_raw_delete_of_a_published_version(v1):
    refused_by_database("DELETE FROM frameworks_frameworkversion WHERE id = %s", [v1.pk])
    assert FrameworkVersion.objects.filter(pk=v1.pk).exists()


def test_a_draft_can_still_be_deleted_row_by_row(v1, world):
    draft = services.start_draft(v1.family, actor=world.hr)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM frameworks_statement WHERE version_id = %s", [draft.pk])
    services.discard_draft(draft, actor=world.hr)
    assert not FrameworkVersion.objects.filter(pk=draft.pk).exists()


def test_purging_a_whole_organization_passes_the_delete_guards(v1):
    """Only `purging()` (an operator removing an organization, the test flush) may
    delete published rows."""
    from organizations.db_guards import purging

    with purging(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM frameworks_statement WHERE version_id = %s", [v1.pk])
    assert not Statement.objects.filter(version=v1).exists()


def test_a_published_family_is_archived_not_deleted(v1, world):
    family = v1.family
    with pytest.raises(services.FrameworkError, match="archive it instead"):
        services.delete_family(family, actor=world.hr)
    services.archive_family(family, actor=world.hr)
    family.refresh_from_db()
    assert family.is_archived and FrameworkVersion.objects.filter(family=family).exists()
    from people.placement import placeable_levels

    assert not [lv for lv in placeable_levels() if lv.version.family_id == family.pk]
    services.restore_family(family, actor=world.hr)
    family.refresh_from_db()
    assert not family.is_archived


def test_archiving_waits_for_the_people_placed_in_the_family(v1, world):

    place(world.p_employee, Level.objects.get(version=v1, code="PM2"), actor=world.hr)
    with pytest.raises(services.FrameworkError, match="Move them to another job family"):
        services.archive_family(v1.family, actor=world.hr)


def test_a_family_never_published_is_deleted_with_its_draft(acme_scope, world):
    draft = load(acme_scope, small_family(), actor=world.hr)
    with pytest.raises(services.FrameworkError, match="never been published"):
        services.archive_family(draft.family, actor=world.hr)
    services.delete_family(draft.family, actor=world.hr)
    assert not JobFamily.objects.filter(pk=draft.family_id).exists()
    assert not Level.objects.filter(version_id=draft.pk).exists()


def test_the_family_page_offers_archive_for_a_published_family(v1, world):
    from django.urls import reverse

    client = world.client_for(world.hr)
    page = client.get(reverse("frameworks:family", args=[v1.family.public_id]))
    assert b"Archive" in page.content and b"Delete" not in page.content
    url = reverse("frameworks:family_archive", args=[v1.family.public_id])
    assert b"Archive Product Management?" in client.get(url).content
    client.post(url)
    index = client.get(reverse("frameworks:index"))
    assert b"Archived job families" in index.content
