"""Tenancy fences writes: nothing is saved for, or pointing into, another organization."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import transaction

from frameworks.models import JobFamily
from organizations.scoping import (
    TenantWriteError,
    check_write,
    is_tenant_model,
    scope,
    tenant_keys,
    unscoped,
)
from people.models import Person

pytestmark = pytest.mark.django_db


def test_inside_acme_a_person_cannot_be_created_for_globex(world):
    with scope(world.acme), pytest.raises(Exception), transaction.atomic():  # noqa: B017
        Person.objects.create(organization=world.globex, name="Sly", email="sly@globex.test")


def test_an_acme_person_cannot_point_at_a_globex_family(world):
    with scope(world.globex):
        family = JobFamily.objects.create(organization=world.globex, name="Sales", key="sales")
    with scope(world.acme), pytest.raises(Exception), transaction.atomic():  # noqa: B017
        Person.objects.filter(pk=world.p_employee.pk).update(job_family_id=family.pk)


def test_an_acme_person_cannot_be_saved_onto_a_globex_family(world):
    with scope(world.globex):
        family = JobFamily.objects.create(organization=world.globex, name="Ops", key="ops")
    with scope(world.acme):
        person = Person.objects.get(pk=world.p_employee.pk)
    person.job_family_id = family.pk  # a bare id: the fence looks the owner up
    with unscoped(), pytest.raises(TenantWriteError), transaction.atomic():
        person.save()


def test_every_key_of_every_tenant_model_refuses_another_organization(world):
    """Walk every foreign key of every tenant-owned model (django.apps) and prove that a
    row of Acme cannot be written pointing at a row of Globex."""
    walked = []
    for model in apps.get_models():
        if not is_tenant_model(model):
            continue
        for field in tenant_keys(model):
            target = field.related_model
            theirs = target(organization_id=world.globex.pk)
            setattr(theirs, field.target_field.attname, 10**9)
            ours = model(organization_id=world.acme.pk)
            setattr(ours, field.name, theirs)
            with pytest.raises(TenantWriteError):
                check_write(ours)
            mine = target(organization_id=world.acme.pk)
            setattr(mine, field.target_field.attname, 10**9)
            setattr(ours, field.name, mine)
            check_write(ours)  # the same organization passes
            walked.append(f"{model.__name__}.{field.name}")
    assert len(walked) > 40, walked
    assert "Person.manager" in walked and "Person.job_family" in walked


def test_every_model_with_an_organization_is_a_tenant_model():
    """A new model with an organization key but an ordinary manager would escape both
    the read and the write fences."""
    not_tenant_owned = {
        "StripeEvent": "a webhook event names its organization only in its payload",
        "OrganizationDeletion": "the record of a deletion outlives its organization",
    }
    escaped = [
        m.__name__
        for m in apps.get_models()
        if m.__name__ not in not_tenant_owned
        if any(f.name == "organization" for f in m._meta.concrete_fields) and not is_tenant_model(m)
    ]
    assert escaped == []


def test_a_bulk_update_cannot_move_rows_to_another_organization(world):
    with scope(world.acme), pytest.raises(TenantWriteError):
        Person.objects.filter(pk=world.p_employee.pk).update(organization=world.globex)
