"""Plain-row writes (`organizations.rows`): what a model instance would get, and the
tenant fence `bulk_create` keeps."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frameworks.models import JobFamily
from organizations.rows import check_rows, insert_rows, owners, update_rows
from organizations.scoping import TenantWriteError, scope
from people.models import Person

pytestmark = pytest.mark.django_db


def test_rows_get_the_defaults_a_new_instance_would(world):
    with scope(world.acme):
        rows = [
            {"organization_id": world.acme.pk, "name": "Ann", "email": "ann@acme.test"},
            {"organization_id": world.acme.pk, "name": "Bob", "email": "bob@acme.test"},
        ]
        assert insert_rows(Person, rows) == 2
        made = list(Person.objects.filter(email__in=["ann@acme.test", "bob@acme.test"]))
    assert sorted(p.name for p in made) == ["Ann", "Bob"]
    assert all(p.is_active and p.level_uid == "" and p.created_at for p in made)
    assert len({p.public_id for p in made}) == 2 and all(len(p.public_id) == 12 for p in made)


def test_update_rows_sets_the_named_fields_by_primary_key(world):
    with scope(world.acme):
        family = JobFamily.objects.create(organization=world.acme, name="Data", key="data")
        rows = [
            {"pk": world.p_employee.pk, "job_family_id": family.pk, "level_uid": "L1"},
            {"pk": world.p_manager.pk, "job_family_id": None, "level_uid": "L9"},
        ]
        assert update_rows(Person, ["job_family_id", "level_uid"], rows) == 2
        employee = Person.objects.get(pk=world.p_employee.pk)
        manager = Person.objects.get(pk=world.p_manager.pk)
    assert (employee.job_family_id, employee.level_uid) == (family.pk, "L1")
    assert (manager.job_family_id, manager.level_uid) == (None, "L9")
    assert employee.name == world.p_employee.name  # the other fields are left alone


def test_check_rows_refuses_a_row_of_another_organization(world):
    row = {"organization_id": world.globex.pk, "name": "Sly", "email": "sly@globex.test"}
    with scope(world.acme), pytest.raises(TenantWriteError):
        check_rows(Person, [row])


def test_check_rows_refuses_a_key_into_another_organization(world):
    with scope(world.globex):
        theirs = JobFamily.objects.create(organization=world.globex, name="Sales", key="sales")
    with scope(world.acme):
        ours = JobFamily.objects.create(organization=world.acme, name="Ops", key="ops")
        good = {"organization_id": world.acme.pk, "job_family_id": ours.pk, "manager_id": None}
        bad = {**good, "job_family_id": theirs.pk}
        check_rows(Person, [good])  # the same organization passes
        with pytest.raises(TenantWriteError):
            check_rows(Person, [good, bad])  # a bare id: the owner is looked up
        with pytest.raises(TenantWriteError):
            check_rows(Person, [{**good, "manager_id": world.p_outsider.pk}])


def test_check_rows_takes_the_owners_the_caller_loaded(world):
    with scope(world.acme):
        family = JobFamily.objects.create(organization=world.acme, name="Ops", key="ops")
        row = {"organization_id": world.acme.pk, "job_family_id": family.pk, "manager_id": None}
        with CaptureQueriesContext(connection) as queries:
            check_rows(Person, [row] * 3, owners(family))
        assert len(queries) == 0
        family.organization_id = world.globex.pk  # what the caller loaded is believed
        with pytest.raises(TenantWriteError):
            check_rows(Person, [row], owners(family))
