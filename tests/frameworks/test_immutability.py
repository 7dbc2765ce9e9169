"""A published version and everything in it cannot be changed, even below the services."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from frameworks.models import Competency, Level, Statement
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(acme_scope, world):
    return load(acme_scope, small_family(), actor=world.hr, publish=True)


@pytest.mark.xfail(strict=True, reason="issue 7: published rows can be saved")
@pytest.mark.parametrize("model", [Level, Competency, Statement])
def test_save_and_delete_of_a_published_item_raise(v1, model):
    item = model.objects.filter(version=v1).first()
    item.position += 1
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        item.save()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        item.delete()


@pytest.mark.xfail(strict=True, reason="issue 7: the database accepts changes to v1")
@pytest.mark.parametrize("table", ["frameworks_level", "frameworks_statement"])
def test_the_database_refuses_a_raw_update_of_a_published_item(v1, table):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET position = position + 1 WHERE version_id = %s", [v1.pk])  # noqa: S608
