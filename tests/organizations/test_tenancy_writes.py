"""Tenancy fences writes: nothing is saved for, or pointing into, another organization."""

from __future__ import annotations

import pytest
from django.db import transaction

from frameworks.models import JobFamily
from organizations.scoping import scope
from people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(strict=True, reason="issue 7: writes are not fenced")
def test_inside_acme_a_person_cannot_be_created_for_globex(world):
    with scope(world.acme), pytest.raises(Exception), transaction.atomic():  # noqa: B017
        Person.objects.create(organization=world.globex, name="Sly", email="sly@globex.test")


@pytest.mark.xfail(strict=True, reason="issue 7: cross-organization keys can be saved")
def test_an_acme_person_cannot_point_at_a_globex_family(world):
    with scope(world.globex):
        family = JobFamily.objects.create(organization=world.globex, name="Sales", key="sales")
    with scope(world.acme), pytest.raises(Exception), transaction.atomic():  # noqa: B017
        Person.objects.filter(pk=world.p_employee.pk).update(job_family_id=family.pk)
