"""A corpus of malformed workbooks (tests/data/malformed_workbooks.py): each is refused or
rejected with a clear message, quickly, never with a server error, and changes nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frameworks.models import Competency, FrameworkVersion, JobFamily, Level, Statement
from organizations.models import AuditEntry
from organizations.scoping import scope, unscoped
from people.models import LevelChange, Person
from spreadsheets.models import ImportJob
from tests.data.malformed_workbooks import MALFORMED, build_malformed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return build_malformed(tmp_path_factory.mktemp("malformed"))


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the sandbox's reader): the
    work a file costs, whatever else the shared machine is doing."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def state(org: Any) -> dict[str, int]:
    with scope(org):
        return {
            model.__name__: model.objects.count()
            for model in (
                JobFamily,
                FrameworkVersion,
                Level,
                Competency,
                Statement,
                Person,
                LevelChange,
            )
        }


def refusals(org: Any) -> int:
    with scope(org):
        return AuditEntry.objects.filter(action="import.refused").count()


def test_the_corpus_has_at_least_twenty_kinds_of_bad_file():
    assert len(MALFORMED) >= 20


@pytest.mark.parametrize("key", list(MALFORMED))
def test_malformed_file_gets_a_clear_message_and_changes_nothing(world, corpus, key):
    path, phrase = corpus[key]
    client = world.client_for(world.hr)
    before = state(world.acme)
    started = cpu_seconds()
    response = client.post(
        reverse("spreadsheets:upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes(), "application/octet-stream")},
    )
    elapsed = cpu_seconds() - started
    if key == "empty":  # refused by the form before it is stored
        assert response.status_code == 400
        assert b"The file is empty" in response.content
    else:
        assert response.status_code == 302, response.content[:300]
        with unscoped():
            job = ImportJob.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])
        assert job.status == ImportJob.Status.INVALID
        text = " ".join(e["message"] for e in job.errors)
        assert phrase.lower() in text.lower(), text
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert phrase.lower() in page.content.decode().lower()
        assert b"Nothing has been imported" in page.content
    assert elapsed < 2.0, f"{key} took {elapsed:.2f}s of CPU"  # a guard; figures in bench/
    assert state(world.acme) == before
    # every refused workbook is in the audit log (the form's own refusals store nothing)
    assert refusals(world.acme) == (0 if key == "empty" else 1)
