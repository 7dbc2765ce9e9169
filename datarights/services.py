"""Data rights, the write path: exports (audited), erasure of a person, and the
organization's export and scheduled deletion."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from billing.notices import owner_emails
from datarights import erasure, orgdeletion, tasks
from datarights.export import person_export, write_organization_zip
from datarights.models import OrganizationDeletion, OrganizationExport
from datarights.registry import Audience
from organizations import audit
from organizations.actors import Actor, user_of
from organizations.models import Organization
from organizations.scoping import scope, unscoped

logger = logging.getLogger(__name__)

FORMATS = {
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def export_person(person: Any, *, audience: Audience, fmt: str, actor: Actor) -> bytes:
    """Everything about `person` for `audience` as JSON or a workbook; the download is
    recorded in the audit log (the export itself is not stored)."""
    export = person_export(person, audience)
    content = export.to_json() if fmt == "json" else export.to_xlsx()
    audit.record(
        person.organization,
        actor,
        "person.data_exported",
        person,
        data={
            "format": fmt,
            "for": "the person" if audience == Audience.SELF else "HR",
            "sections": len(export.sections),
        },
    )
    return content


# --- the organization: export ------------------------------------------------------------


class DataRightsError(Exception):
    """A data-rights request that cannot go ahead; the message is for the owner."""


def start_organization_export(org: Organization, *, actor: Actor) -> OrganizationExport:
    """Queue a full export (one at a time); the worker builds it."""
    with transaction.atomic():
        pending = OrganizationExport.objects.filter(
            status__in=[OrganizationExport.Status.QUEUED, OrganizationExport.Status.RUNNING]
        ).first()
        if pending is not None:
            return pending
        export = OrganizationExport.objects.create(organization=org, requested_by=actor)
        audit.record(org, actor, "organization.export_started", org)
        transaction.on_commit(lambda: tasks.build_organization_export.enqueue(export.pk))
    return export


def build_export(export_id: int) -> None:
    """The worker's part: claim the export, write the zip, keep it for a few days."""
    claimed = OrganizationExport._base_manager.filter(
        pk=export_id, status=OrganizationExport.Status.QUEUED
    ).update(status=OrganizationExport.Status.RUNNING)
    if not claimed:
        return
    export = OrganizationExport._base_manager.select_related("organization").get(pk=export_id)
    org = export.organization
    with scope(org):
        try:
            with tempfile.TemporaryFile() as tmp:
                rows = write_organization_zip(org, tmp)
                tmp.seek(0)
                export.file.save(f"{export.public_id}.zip", File(tmp), save=False)
        except Exception as exc:  # the owner sees "Failed"; the operator the log
            logger.exception("organization export %s failed", export_id)
            export.status = OrganizationExport.Status.FAILED
            export.error = str(exc)[:300]
            export.finished_at = timezone.now()
            export.save(update_fields=["status", "error", "finished_at"])
            return
        export.status = OrganizationExport.Status.DONE
        export.rows = rows
        export.size = export.file.size
        export.finished_at = timezone.now()
        export.expires_at = export.finished_at + dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
        export.save(update_fields=["status", "rows", "size", "file", "finished_at", "expires_at"])
        audit.record(org, None, "organization.export_ready", org, data={"rows": rows})


def remove_expired_exports(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    with unscoped():
        expired = list(OrganizationExport.objects.filter(expires_at__lte=now))
        for export in expired:
            if export.file:
                export.file.delete(save=False)
            export.delete()
    return len(expired)


# --- the organization: deletion ----------------------------------------------------------


def pending_deletion(org: Organization) -> OrganizationDeletion | None:
    return OrganizationDeletion.objects.filter(
        organization=org,
        status__in=[OrganizationDeletion.Status.SCHEDULED, OrganizationDeletion.Status.RUNNING],
    ).first()


def schedule_deletion(org: Organization, *, actor: Actor, confirm: str) -> OrganizationDeletion:
    if " ".join(confirm.split()) != org.name:
        raise DataRightsError(f"Type the organization's name exactly as it is: {org.name}")
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=org.pk)
        if pending_deletion(org) is not None:
            raise DataRightsError("The deletion of this organization is already scheduled.")
        due = timezone.now() + dt.timedelta(days=settings.ORGANIZATION_DELETION_GRACE_DAYS)
        deletion = OrganizationDeletion.objects.create(
            organization=org,
            organization_name=org.name,
            organization_slug=org.slug,
            due_at=due,
            notify=owner_emails(org),
            requested_by=user_of(actor),
        )
        audit.record(
            org, actor, "organization.deletion_scheduled", org, data={"due": due.isoformat()}
        )
        _tell_owners(deletion, "scheduled")
    return deletion


def cancel_deletion(org: Organization, *, actor: Actor) -> OrganizationDeletion:
    with transaction.atomic():
        deletion = pending_deletion(org)
        if deletion is None or deletion.status != OrganizationDeletion.Status.SCHEDULED:
            raise DataRightsError("There is no scheduled deletion to cancel.")
        changed = OrganizationDeletion.objects.filter(
            pk=deletion.pk, status=OrganizationDeletion.Status.SCHEDULED
        ).update(
            status=OrganizationDeletion.Status.CANCELLED,
            cancelled_at=timezone.now(),
            cancelled_by=actor,
        )
        if not changed:
            raise DataRightsError("The deletion has already started; it cannot be cancelled.")
        deletion.refresh_from_db()
        audit.record(org, actor, "organization.deletion_cancelled", org)
        _tell_owners(deletion, "cancelled")
    return deletion


def run_due_deletions(now: dt.datetime | None = None) -> int:
    """The scheduler's hook (daily or more often): deletes every organization whose grace
    period is over, and removes expired exports. Safe on several machines at once: each
    deletion is claimed by a conditional update."""
    now = now or timezone.now()
    remove_expired_exports(now)
    done = 0
    due = OrganizationDeletion.objects.filter(
        status=OrganizationDeletion.Status.SCHEDULED, due_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        claimed = OrganizationDeletion.objects.filter(
            pk=pk, status=OrganizationDeletion.Status.SCHEDULED
        ).update(status=OrganizationDeletion.Status.RUNNING)
        if claimed:
            delete_organization(OrganizationDeletion.objects.get(pk=pk))
            done += 1
    return done


def delete_organization(deletion: OrganizationDeletion) -> int:
    """Every row of the organization, through the registry, in one transaction; its
    logins that belong nowhere else; its files after the commit. Returns the rows."""
    org = deletion.organization
    assert org is not None
    recipients = list(deletion.notify)
    with transaction.atomic():
        rows, files = orgdeletion.delete_everything(org)
        OrganizationDeletion.objects.filter(pk=deletion.pk).update(
            status=OrganizationDeletion.Status.DONE,
            done_at=timezone.now(),
            deleted_rows=rows,
            notify=[],  # the owners' addresses go once they are told
        )
        deletion.refresh_from_db()
        _tell_owners(deletion, "done", recipients=recipients)
        transaction.on_commit(lambda: erasure.remove_files(files))
    logger.info("organization %s deleted: %s rows", deletion.organization_slug, rows)
    return rows


def _tell_owners(
    deletion: OrganizationDeletion, kind: str, *, recipients: list[str] | None = None
) -> None:
    """E-mail the owners (the addresses kept when the deletion was scheduled) on commit."""
    to = recipients if recipients is not None else list(deletion.notify)
    if not to:
        return
    words = {
        "deletion": deletion,
        "settings_url": settings.SITE_URL.rstrip("/") + reverse("datarights:organization"),
    }
    subject = " ".join(
        render_to_string(f"datarights/email/deletion_{kind}_subject.txt", words).split()
    )
    body = render_to_string(f"datarights/email/deletion_{kind}_message.txt", words)
    transaction.on_commit(
        lambda: send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, to
        )
    )
