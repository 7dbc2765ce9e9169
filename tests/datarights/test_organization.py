"""The organization's full export (a zip built by the worker) and its deletion after a
grace period: scheduled by an owner, cancellable, the owners told by e-mail, then every
row gone while other organizations keep every one of theirs."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from datarights import services
from datarights.models import OrganizationDeletion, OrganizationExport
from organizations.models import AuditEntry, Organization
from organizations.scoping import scope, unscoped
from tests.datarights.factories import rich_emma

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(acme_scope, world):
    return rich_emma(world)


def _rows_of(org_pk: int) -> dict[str, int]:
    counts = {}
    with unscoped():
        for model in apps.get_models():
            names = {f.name for f in model._meta.concrete_fields}
            if "organization" in names:
                n = model._base_manager.filter(organization_id=org_pk).count()
                if n:
                    counts[model._meta.label] = n
    return counts


def test_the_owner_builds_and_downloads_a_full_export(
    rich, world, media, django_capture_on_commit_callbacks
):
    client = world.client_for(world.owner)
    assert client.get(reverse("datarights:organization")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("datarights:organization_export")).status_code == 302
    export = OrganizationExport.objects.get()
    assert export.status == "done" and export.rows > 50
    page = client.get(reverse("datarights:organization")).content.decode()
    assert "Download the zip" in page
    response = client.get(
        reverse("datarights:organization_export_download", args=[export.public_id])
    )
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    zf = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(zf.namelist())
    assert {"README.txt", "people.Person.json", "reviews.ReviewForm.json", "auth.User.json",
            "organizations.AuditEntry.json", "promotions.PromotionCase.json"} <= names  # fmt: skip
    assert "fairness.DemographicAnswer.json" not in names
    people = json.loads(zf.read("people.Person.json"))
    assert "Emma Employee" in {p["name"] for p in people}
    users = json.loads(zf.read("auth.User.json"))
    assert users and all("password" not in u for u in users)
    assert {u["email"] for u in users} >= {"emma@acme.test"}
    assert "olga@globex.test" not in zf.read("auth.User.json").decode()
    assert AuditEntry.objects.filter(action="organization.export_downloaded").exists()
    # HR cannot; the outsider's export is their own
    hr = world.client_for(world.hr)
    assert hr.get(reverse("datarights:organization")).status_code == 403
    assert hr.post(reverse("datarights:organization_export")).status_code == 403
    # expired exports are removed
    assert services.remove_expired_exports(timezone.now() + dt.timedelta(days=8)) == 1
    assert not OrganizationExport.objects.exists()


def test_deletion_is_scheduled_cancelled_and_the_owners_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    client = world.client_for(world.owner)
    url = reverse("datarights:organization_delete")
    wrong = client.post(url, {"confirm_name": "acme"})
    assert wrong.status_code == 400 and "name exactly as it is" in wrong.content.decode()
    assert not OrganizationDeletion.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm_name": " Acme "}).status_code == 302
    deletion = OrganizationDeletion.objects.get()
    assert deletion.status == "scheduled"
    assert dt.timedelta(days=29) < deletion.due_at - timezone.now() <= dt.timedelta(days=30)
    assert mailoutbox[-1].to == ["olivia@acme.test"]
    assert "will be deleted on" in mailoutbox[-1].subject
    page = client.get(reverse("datarights:organization")).content.decode()
    assert "Cancel the deletion" in page
    assert client.post(url, {"confirm_name": "Acme"}).status_code == 400  # already scheduled
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("datarights:organization_delete_cancel"))
    deletion.refresh_from_db()
    assert deletion.status == "cancelled" and deletion.cancelled_by == world.owner
    assert "cancelled" in mailoutbox[-1].subject
    with scope(world.acme):
        actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"organization.deletion_scheduled", "organization.deletion_cancelled"} <= actions
    assert services.run_due_deletions(timezone.now() + dt.timedelta(days=31)) == 0


def test_after_the_grace_period_everything_of_acme_is_gone_and_globex_keeps_all(
    rich, world, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    acme, globex = world.acme, world.globex
    services.schedule_deletion(acme, actor=world.owner, confirm="Acme")
    call_command("organization_deletions")
    assert "acme\tAcme\tScheduled" in capsys.readouterr().out
    globex_before = _rows_of(globex.pk)
    assert services.run_due_deletions(timezone.now() + dt.timedelta(days=1)) == 0
    assert _rows_of(acme.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_due_deletions(timezone.now() + dt.timedelta(days=31)) == 1

    assert _rows_of(acme.pk) == {}
    assert not Organization.objects.filter(pk=acme.pk).exists()
    assert _rows_of(globex.pk) == globex_before
    users = get_user_model().objects
    assert not users.filter(email__endswith="@acme.test").exists()
    assert users.filter(email="olga@globex.test").exists()
    deletion = OrganizationDeletion.objects.get()
    assert deletion.status == "done" and deletion.organization is None
    assert deletion.organization_name == "Acme" and deletion.notify == []
    assert deletion.deleted_rows > 100
    assert mailoutbox[-1].to == ["olivia@acme.test"] and "was deleted" in mailoutbox[-1].subject
    assert services.run_due_deletions(timezone.now() + dt.timedelta(days=32)) == 0


def test_a_login_in_another_organization_survives_its_deletion(world):
    from organizations.models import Role
    from organizations.services import add_member

    with scope(world.globex):
        add_member(world.globex, world.employee, role=Role.MEMBER, actor=world.outsider)
    services.schedule_deletion(world.acme, actor=world.owner, confirm="Acme")
    services.run_due_deletions(timezone.now() + dt.timedelta(days=31))
    assert get_user_model().objects.filter(pk=world.employee.pk).exists()
    assert not get_user_model().objects.filter(pk=world.hr.pk).exists()


def test_a_read_only_organization_still_exports_and_schedules_its_deletion(
    world, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=world.acme.pk).update(
        trial_ends_at=timezone.now() - dt.timedelta(days=1)
    )
    client = world.client_for(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("datarights:organization_export")).status_code == 302
    with scope(world.acme):
        assert OrganizationExport.objects.get().status == "done"
    response = client.post(reverse("datarights:organization_delete"), {"confirm_name": "Acme"})
    assert response.status_code == 302
    assert OrganizationDeletion.objects.get().status == "scheduled"
    client.post(reverse("datarights:organization_delete_cancel"))
    assert OrganizationDeletion.objects.get().status == "cancelled"
