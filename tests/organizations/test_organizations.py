import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from organizations.audit import record
from organizations.models import AuditEntry, Membership, Role
from organizations.scoping import ScopeError, scope, unscoped
from organizations.services import OrganizationError, set_role
from people.models import Person
from people.services import create_person

pytestmark = pytest.mark.django_db


def test_queries_fail_closed_and_stay_in_scope(world):
    with pytest.raises(ScopeError):
        Person.objects.count()
    with scope(world.acme):
        assert set(Person.objects.values_list("organization_id", flat=True)) == {world.acme.pk}
        assert not Person.objects.filter(email="olga@globex.test").exists()
    with unscoped():
        assert Person.objects.filter(email="olga@globex.test").exists()


def test_public_ids_are_random_strings(world):
    with scope(world.acme):
        ids = list(Person.objects.values_list("public_id", flat=True))
    assert all(len(i) == 12 and not i.isdigit() for i in ids)
    assert len(set(ids)) == len(ids)


def test_audit_log_is_append_only(world, acme_scope):
    entry = record(world.acme, world.owner, "test.done", world.p_employee)
    entry.action = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # Even raw SQL cannot change an entry: a database trigger refuses it.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE organizations_auditentry SET action = 'x' WHERE id = %s", [entry.pk])


def test_services_write_audit_entries_with_before_and_after(world, acme_scope):
    from people.services import update_person

    update_person(world.p_employee, actor=world.hr, expected_revision=None, name="Emma E.")
    entry = AuditEntry.objects.filter(action="person.updated").first()
    assert entry.changes == {"name": ["Emma Employee", "Emma E."]}
    assert entry.actor == world.hr
    assert entry.target_id == world.p_employee.public_id


def test_last_owner_cannot_be_demoted(world, acme_scope):
    owner = Membership.objects.get(user=world.owner)
    with pytest.raises(OrganizationError):
        set_role(owner, role=Role.MEMBER, actor=world.owner)


def test_expired_trial_makes_services_read_only(world, acme_scope):
    world.acme.trial_ends_at = timezone.now() - timezone.timedelta(days=1)
    world.acme.save()
    with pytest.raises(PermissionDenied):
        create_person(world.acme, actor=world.hr, name="New", email="new@acme.test")


def test_audit_log_page_filters_and_is_admin_only(world, django_assert_max_num_queries):
    hr = world.client_for(world.hr)
    response = hr.get("/organization/audit-log/?action=person.updated")
    assert response.status_code == 200
    assert world.client_for(world.employee).get("/organization/audit-log/").status_code == 403
    with scope(world.acme):
        for i in range(30):
            create_person(world.acme, actor=world.hr, name=f"P{i}", email=f"p{i}@acme.test")
    with django_assert_max_num_queries(12):
        response = hr.get("/organization/audit-log/")
    assert b"P29" in response.content
    partial = hr.get("/organization/audit-log/?q=P2", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"P2" in partial.content


def test_only_owners_change_settings(world):
    url = "/organization/settings/"
    world.client_for(world.hr).post(url, {"name": "Renamed"})
    world.acme.refresh_from_db()
    assert world.acme.name == "Acme"
    world.client_for(world.owner).post(url, {"name": "Acme Inc", "require_mfa_for_admins": "on"})
    world.acme.refresh_from_db()
    assert world.acme.name == "Acme Inc" and world.acme.require_mfa_for_admins


def test_switching_organization(world):
    from organizations.services import add_member

    with scope(world.globex):
        add_member(world.globex, world.hr, role=Role.MEMBER, actor=world.outsider)
    client = world.client_for(world.hr)
    assert b"Acme" in client.get("/home/").content
    client.post("/organization/switch/", {"organization": world.globex.public_id})
    page = client.get("/home/").content
    assert b"Globex" in page
    # A user cannot switch into an organization they do not belong to.
    employee = world.client_for(world.employee)
    employee.post("/organization/switch/", {"organization": world.globex.public_id})
    assert b"Globex" not in employee.get("/home/").content
