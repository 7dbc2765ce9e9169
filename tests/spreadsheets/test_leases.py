"""Finding 4 of the hardening review: an import whose process dies does not show
"Importing" forever. A running job whose lease (heartbeat) ran out is marked failed
exactly once, audited, explained on its page with a way to try again; a late finish
of the lost process cannot apply it as well."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from frameworks.models import JobFamily
from organizations.models import AuditEntry
from organizations.scoping import scope, unscoped
from organizations.signals import worker_started
from spreadsheets.leases import heartbeat, reap_stale_jobs
from spreadsheets.models import ImportJob
from spreadsheets.services import ImportError_, apply_import, families_from, run_apply
from spreadsheets.writer import blank_template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PAYLOAD = {
    "families": [
        {
            "name": "Design",
            "key": "",
            "description": "",
            "levels": [
                {
                    "code": "D1",
                    "title": "Designer",
                    "track": "shared",
                    "rank": 1,
                    "summary": "",
                    "key_question": "",
                }
            ],
            "competencies": [],
        }
    ],
    "people": None,
}


def _job(world: Any, status: str, minutes_ago: float | None, **extra: Any) -> ImportJob:
    with scope(world.acme):
        job = ImportJob(
            organization=world.acme,
            original_name="ladder.xlsx",
            status=status,
            created_by=world.hr,
            heartbeat_at=(
                None if minutes_ago is None else timezone.now() - dt.timedelta(minutes=minutes_ago)
            ),
            **extra,
        )
        job.file.save("ladder.xlsx", ContentFile(blank_template()), save=False)
        job.save()
    return job


def _audits(world: Any, action: str) -> int:
    with scope(world.acme):
        return AuditEntry.objects.filter(action=action).count()


def test_a_lost_import_is_failed_once_explained_and_offered_again(world):
    job = _job(world, ImportJob.Status.APPLYING, 30, payload=PAYLOAD, summary={})
    client = world.client_for(world.hr)
    url = reverse("spreadsheets:job", kwargs={"job_id": job.public_id})
    page = client.get(url).content.decode()
    assert "was not imported" in page
    assert "The server stopped while importing this workbook" in page
    assert "Nothing was changed" in page
    assert reverse("spreadsheets:retry", kwargs={"job_id": job.public_id}) in page
    assert 'hx-trigger="every 1s"' not in page  # no more polling
    client.get(url)
    client.get(reverse("spreadsheets:index"))
    assert _audits(world, "import.interrupted") == 1  # exactly once
    with scope(world.acme):
        job.refresh_from_db()
        entry = AuditEntry.objects.get(action="import.interrupted")
    assert job.status == ImportJob.Status.FAILED and job.interrupted
    assert entry.data["stage"] == "import"

    # trying again imports the same content (small: within the request)
    response = client.post(reverse("spreadsheets:retry", kwargs={"job_id": job.public_id}))
    assert response.status_code == 302
    with scope(world.acme):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE
        assert JobFamily.objects.filter(name="Design").exists()
    assert _audits(world, "import.applied") == 1
    # and it cannot be retried twice
    client.post(reverse("spreadsheets:retry", kwargs={"job_id": job.public_id}))
    assert _audits(world, "import.applied") == 1


def test_a_lost_check_is_checked_again_on_retry(world):
    job = _job(world, ImportJob.Status.CHECKING, 30)
    client = world.client_for(world.hr)
    page = client.get(reverse("spreadsheets:job", kwargs={"job_id": job.public_id}))
    assert "The server stopped while checking this workbook" in page.content.decode()
    client.post(reverse("spreadsheets:retry", kwargs={"job_id": job.public_id}))
    with scope(world.acme):
        job.refresh_from_db()
    assert job.status == ImportJob.Status.READY  # the blank template reads fine


def test_fresh_or_queued_jobs_are_left_alone(world, settings):
    settings.IMPORT_STALE_SECONDS = 300
    working = _job(world, ImportJob.Status.APPLYING, 1)
    queued = _job(world, ImportJob.Status.APPLYING, None)  # waiting for a worker
    with scope(world.acme):
        assert reap_stale_jobs() == 0
        assert ImportJob.objects.get(pk=working.pk).status == ImportJob.Status.APPLYING
        assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.APPLYING


def test_a_starting_worker_reaps_every_organizations_lost_jobs(world, monkeypatch):
    import threading

    monkeypatch.setattr(threading.Thread, "start", lambda self: None)  # no reaper loop here
    job = _job(world, ImportJob.Status.CHECKING, 30)
    with scope(world.globex):
        other = ImportJob.objects.create(
            organization=world.globex,
            original_name="g.xlsx",
            status=ImportJob.Status.APPLYING,
            heartbeat_at=timezone.now() - dt.timedelta(hours=1),
        )
    worker_started.send(sender=None)
    with unscoped():
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED
        assert ImportJob.objects.get(pk=other.pk).interrupted


def test_a_lost_process_that_comes_back_cannot_apply_as_well(world):
    """The reaper marked it failed; the old process then reaches its commit: it rolls
    back, so the job is failed-or-finished, never both."""
    job = _job(world, ImportJob.Status.FAILED, 30, payload=PAYLOAD, interrupted=True)
    with scope(world.acme):
        run_apply(job)  # a worker picking up the task late
        job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED
        with pytest.raises(ImportError_, match="stopped before it finished"):
            apply_import(world.acme, families_from(PAYLOAD), None, actor=None, job_id=job.pk)
        assert not JobFamily.objects.filter(name="Design").exists()
    assert _audits(world, "import.applied") == 0


def test_a_late_check_does_not_overwrite_a_lost_job(world):
    from spreadsheets.services import run_check

    job = _job(world, ImportJob.Status.FAILED, 30, interrupted=True)
    with scope(world.acme):
        run_check(job)
        job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


def test_the_heartbeat_keeps_the_lease_fresh(world, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 3600  # only the first stamp, in this thread
    job = _job(world, ImportJob.Status.APPLYING, 60)
    with unscoped(), heartbeat(job.pk):
        job.refresh_from_db()
        assert job.heartbeat_at is not None
        assert timezone.now() - job.heartbeat_at < dt.timedelta(seconds=30)
