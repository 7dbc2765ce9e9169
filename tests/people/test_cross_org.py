"""The people pages and services refuse another organization's managers, families, levels
and people; who may deactivate and reactivate an owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frameworks.models import FrameworkVersion
from frameworks.services import start_draft
from organizations.models import Membership, Role
from organizations.scoping import scope, unscoped
from people.models import Person
from tests.cross_org import _globex_people, _no_cross_links
from tests.test_access_matrix import acme_fingerprint


def test_people_add_refuses_another_orgs_manager_family_and_level(world, ladders):
    olga = world.client_for(world.outsider)
    before = acme_fingerprint(world.acme)
    count = len(_globex_people())
    for field, value in (
        ("manager", world.p_manager.public_id),
        ("job_family", ladders.acme_family.public_id),
        ("level", ladders.acme_published_level.public_id),
    ):
        response = olga.post(
            reverse("people:add"),
            {"name": "Mallory Cross", "email": f"mallory-{field}@globex.test", field: value},
        )
        assert response.status_code == 200, field  # the form again, with an error
        assert response.context["form"].errors.get(field), field
    assert len(_globex_people()) == count
    assert acme_fingerprint(world.acme) == before
    _no_cross_links()


def test_people_edit_refuses_another_orgs_manager_family_and_level(world, ladders):
    olga = world.client_for(world.outsider)
    me = world.p_outsider
    url = reverse("people:edit", kwargs={"person_id": me.public_id})
    base = {
        "name": me.name,
        "email": me.email,
        "revision": me.revision,
        "level_effective_date": "2026-01-01",
        "level_reason": "Test",
    }
    before = acme_fingerprint(world.acme)
    for field, value in (
        ("manager", world.p_manager.public_id),
        ("job_family", ladders.acme_family.public_id),
        ("level", ladders.acme_published_level.public_id),
    ):
        response = olga.post(url, {**base, field: value})
        assert response.status_code == 200, field
        assert response.context["form"].errors.get(field), field
    with scope(world.globex):
        me.refresh_from_db()
    assert (me.manager_id, me.job_family_id, me.level_uid) == (None, None, "")
    assert acme_fingerprint(world.acme) == before
    _no_cross_links()


def test_level_options_and_directory_filters_ignore_another_orgs_ids(world, ladders):
    olga = world.client_for(world.outsider)
    response = olga.get(
        reverse("people:level_options"), {"job_family": ladders.acme_family.public_id}
    )
    assert response.status_code == 200
    assert ladders.acme_published_level.public_id.encode() not in response.content
    response = olga.get(reverse("people:list"), {"manager": world.p_manager.public_id})
    assert b"Emma" not in response.content


def test_people_csv_import_does_not_link_to_another_org(world, ladders):
    olga = world.client_for(world.outsider)
    csv = (
        "Name,Email,Manager email,Job family,Level\r\n"
        f"Mallory Cross,mallory@globex.test,{world.p_manager.email},Product Management,PM2\r\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = olga.post(
        reverse("people:import"), {"file": SimpleUploadedFile("p.csv", csv, "text/csv")}
    )
    assert response.status_code == 302
    preview = olga.get(response["Location"])
    plan = preview.context["plan"]
    assert plan.errors, "an Acme manager e-mail and an Acme family must not be found"
    before = acme_fingerprint(world.acme)
    olga.post(response["Location"], {"digest": plan.fingerprint})
    assert acme_fingerprint(world.acme) == before
    assert "mallory@globex.test" not in {p.email for p in _globex_people()}
    _no_cross_links()


def test_hr_admin_cannot_deactivate_an_owner(world):
    """Deactivating a person also closes their login. An HR admin must not be able to
    lock the owner out (only owners change owners), and nobody may remove the last owner."""
    hr = world.client_for(world.hr)
    url = reverse("people:deactivate", kwargs={"person_id": world.p_owner.public_id})
    response = hr.post(url)
    assert response.status_code == 400
    with scope(world.acme):
        assert Membership.objects.get(user=world.owner).is_active
        world.p_owner.refresh_from_db()
        assert world.p_owner.is_active
    # the last owner cannot deactivate themselves either
    response = world.client_for(world.owner).post(url)
    assert response.status_code == 400
    with scope(world.acme):
        assert Membership.objects.get(user=world.owner).is_active


def test_owner_can_deactivate_another_owner(world):
    with scope(world.acme):
        Membership.objects.filter(user=world.hr).update(role=Role.OWNER)
    url = reverse("people:deactivate", kwargs={"person_id": world.p_hr.public_id})
    response = world.client_for(world.owner).post(url)
    assert response.status_code == 302
    with scope(world.acme):
        assert not Membership.objects.get(user=world.hr).is_active


def test_hr_admin_cannot_reactivate_an_owner_an_owner_removed(world):
    from people.services import set_active

    with scope(world.acme):
        Membership.objects.filter(user=world.manager).update(role=Role.OWNER)
        set_active(Person.objects.get(pk=world.p_employee.pk), actor=world.owner, active=False)
        set_active(Person.objects.get(pk=world.p_manager.pk), actor=world.owner, active=False)
    url = reverse("people:reactivate", kwargs={"person_id": world.p_manager.public_id})
    assert world.client_for(world.hr).post(url).status_code == 400
    with scope(world.acme):
        assert not Membership.objects.get(user=world.manager).is_active
    assert world.client_for(world.owner).post(url).status_code == 302
    with scope(world.acme):
        assert Membership.objects.get(user=world.manager).is_active


def test_people_services_refuse_objects_of_another_organization(world, ladders):
    """Defence in depth: even a caller that skips the scoped forms cannot link Acme's
    people to Globex's people, families or levels."""
    from people.services import PersonError, create_person, update_person

    with scope(world.globex):
        g_level = ladders.globex_v1.levels.get(code="PM2")
    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        for fields in (
            {"manager": world.p_outsider},
            {"job_family": ladders.globex_family},
            {"job_family": ladders.globex_family, "level": g_level},
        ):
            with pytest.raises(PersonError):
                create_person(
                    world.acme, actor=world.hr, name="Cross", email="cross@acme.test", **fields
                )
            with pytest.raises(PersonError):
                update_person(emma, actor=world.hr, expected_revision=None, **fields)
    _no_cross_links()


def test_services_refuse_a_person_or_version_of_another_organization(world, ladders):
    from accounts.services import InvitationError, invite_person
    from frameworks.services import FrameworkError, discard_draft

    with scope(world.globex):
        discard_draft(ladders.globex_draft, actor=world.outsider)
        with pytest.raises(FrameworkError):
            start_draft(ladders.globex_family, actor=world.outsider, from_version=ladders.acme_v1)
        with pytest.raises(InvitationError):
            invite_person(world.globex, world.p_employee, role=Role.MEMBER, actor=world.outsider)
    with unscoped():
        assert not FrameworkVersion._base_manager.filter(
            family=ladders.globex_family, status="draft"
        ).exists()
