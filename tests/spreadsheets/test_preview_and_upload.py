"""A preview goes stale when people change; an oversized upload is refused before it is
stored."""

from __future__ import annotations

from django.urls import reverse

from organizations.scoping import scope
from people.models import Person


def test_deactivating_someone_makes_an_import_preview_stale(world):
    """The xlsx import applies only what its preview showed; the preview's fingerprint
    must notice a deactivation made in between."""
    from people.services import set_active, update_person
    from spreadsheets.services import fingerprint

    with scope(world.acme):
        for title in ("CEO", "Chief executive"):  # Olivia's revision is now the highest
            update_person(world.p_owner, actor=world.owner, expected_revision=None, title=title)
        before = fingerprint()
        set_active(Person.objects.get(pk=world.p_hr.pk), actor=world.owner, active=False)
        assert fingerprint() != before


def test_an_oversized_upload_is_refused_before_it_is_stored(world, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.files.uploadhandler import (
        MemoryFileUploadHandler,
        TemporaryFileUploadHandler,
    )

    settings.MAX_UPLOAD_REQUEST_BYTES = 64 * 1024
    stored: list[int] = []
    originals = {
        MemoryFileUploadHandler: MemoryFileUploadHandler.new_file,
        TemporaryFileUploadHandler: TemporaryFileUploadHandler.new_file,
    }

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        stored.append(1)
        return originals[type(self)](self, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", spy)
    monkeypatch.setattr(MemoryFileUploadHandler, "new_file", spy)
    hr = world.client_for(world.hr)
    big = SimpleUploadedFile("p.csv", b"Name,Email\r\n" + b"x" * (200 * 1024), "text/csv")
    response = hr.post(reverse("people:import"), {"file": big})
    assert response.status_code == 400
    assert not stored
    assert b"Nothing was saved" in response.content
    small = SimpleUploadedFile("p.csv", b"Name,Email\r\nNina,nina@acme.test\r\n", "text/csv")
    assert hr.post(reverse("people:import"), {"file": small}).status_code == 302
