"""Finding 1 of the hardening review: a tiny workbook whose XML asks a reader for millions
of cells (a merge or a hyperlink over a whole column or sheet) is refused before it is
parsed, in the browser upload and the import command alike, quickly and in little memory;
reading runs in a child process under a time and memory limit; stored problems are capped."""

from __future__ import annotations

import os
import time
import tracemalloc
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from organizations.scoping import scope, unscoped
from spreadsheets import services
from spreadsheets.models import ImportJob
from spreadsheets.safety import RefusedFile, check_workbook_bytes, range_area
from spreadsheets.sandbox import LimitExceeded, Limits, run_limited
from spreadsheets.validator import Problem
from tests.data.malformed_workbooks import MALFORMED
from tests.spreadsheets.test_corpus import cpu_seconds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

HOSTILE = ["merge_column", "hyperlink_range", "merge_whole_sheet"]
MB = 1024 * 1024


def _file(key: str) -> tuple[str, bytes, str]:
    name, make, phrase = MALFORMED[key]
    return name, make(), phrase


@pytest.mark.parametrize("key", HOSTILE)
def test_a_range_bomb_is_refused_in_the_browser_quickly_and_in_little_memory(world, key):
    name, data, phrase = _file(key)
    assert len(data) < 10_000  # a few KB asking for millions of cells
    client = world.client_for(world.hr)
    tracemalloc.start()
    started, cpu = time.perf_counter(), cpu_seconds()
    response = client.post(
        reverse("spreadsheets:upload"),
        {"file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 302
    with unscoped():
        job = ImportJob.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == ImportJob.Status.INVALID
    assert len(job.errors) == 1
    message = job.errors[0]["message"]
    assert phrase in message.lower() and "cells" in message, message
    page = client.get(response["Location"])
    assert phrase in page.content.decode().lower()
    assert len(page.content) < 100_000
    assert peak < 200 * MB, f"{peak / MB:.0f} MB"
    # the work the file costs (the shared test machine's load inflates wall time)
    assert cpu < 2.0, f"{cpu:.2f}s of CPU ({wall:.2f}s wall)"


@pytest.mark.parametrize("key", HOSTILE)
def test_a_range_bomb_is_refused_by_the_import_command(world, tmp_path, key, capsys):
    name, data, phrase = _file(key)
    path = tmp_path / name
    path.write_bytes(data)
    tracemalloc.start()
    cpu = cpu_seconds()
    with pytest.raises(CommandError, match="1 problem found; nothing was imported"):
        call_command("import_framework", str(path), "--org", "acme")
    cpu = cpu_seconds() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert phrase in capsys.readouterr().err.lower()
    assert peak < 200 * MB
    assert cpu < 2.0, f"{cpu:.2f}s of CPU"


def test_range_areas_cover_columns_rows_lists_and_absolute_references():
    assert range_area("A1") == 1
    assert range_area("A1:B2") == 4
    assert range_area("$A$1:$A$10") == 10
    assert range_area("A:A") == 1_048_576
    assert range_area("1:2") == 2 * 16_384
    assert range_area("A1 B1:B3") == 4
    assert range_area("#REF!") == 0


def test_merges_and_links_that_fit_are_read_and_counted(settings):
    name, data, _ = _file("many_merges")  # 4,000 merges of 19 cells
    settings.IMPORT_MAX_RANGE_CELLS = 80_000
    facts = check_workbook_bytes(data, name=name)
    assert facts.expanded == 76_000
    settings.IMPORT_MAX_RANGE_CELLS = 75_999
    with pytest.raises(RefusedFile, match="76,000 cells in all"):
        check_workbook_bytes(data, name=name)


def test_a_tag_split_across_read_chunks_is_still_seen(monkeypatch):
    from spreadsheets import safety

    _, data, _ = _file("merge_column")
    for chunk in (7, 64, 1000):  # every split point of the mergeCell tag is crossed
        monkeypatch.setattr(safety, "CHUNK", chunk)
        with pytest.raises(RefusedFile, match="A1:A1048576"):
            check_workbook_bytes(data)


def _hog_memory() -> int:
    block = bytearray(600 * MB)
    return len(block)


def _spin() -> None:
    while True:
        pass


def _refuse() -> None:
    raise RefusedFile("no thanks")


def test_the_sandbox_stops_a_child_that_wants_too_much_memory():
    with pytest.raises(LimitExceeded) as caught:
        run_limited(_hog_memory, limits=Limits(seconds=20, memory_mb=200))
    assert caught.value.what == "memory"


def test_the_sandbox_stops_a_child_that_takes_too_long():
    started = time.perf_counter()
    with pytest.raises(LimitExceeded) as caught:
        run_limited(_spin, limits=Limits(seconds=1, memory_mb=200))
    assert caught.value.what == "time"
    assert time.perf_counter() - started < 10


def test_the_sandbox_returns_values_and_raises_the_childs_exceptions():
    assert run_limited(len, "abc", limits=Limits(seconds=20, memory_mb=200)) == 3
    with pytest.raises(RefusedFile, match="no thanks"):
        run_limited(_refuse, limits=Limits(seconds=20, memory_mb=200))
    assert os.getpid()  # the parent carries on


def test_a_workbook_too_slow_for_the_request_moves_to_the_worker(world, monkeypatch):
    """Within a web request reading gets a short limit; a file that needs longer is handed
    to the background worker (here the immediate backend), which has its own limit."""
    calls: list[float] = []

    def slow(fn: Any, *args: Any, limits: Limits) -> Any:
        calls.append(limits.seconds)
        if limits.seconds < 10:
            raise LimitExceeded("time", limits)
        return fn(*args)

    monkeypatch.setattr(services.checking, "run_limited", slow)
    name, make, _ = MALFORMED["bad_track"]
    client = world.client_for(world.hr)
    response = client.post(
        reverse("spreadsheets:upload"),
        {"file": SimpleUploadedFile(name, make(), "application/octet-stream")},
    )
    with unscoped():
        job = ImportJob.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])
    assert calls == [3.0, 120.0]
    assert job.status == ImportJob.Status.INVALID
    assert "Shared, IC or Manager" in job.errors[0]["message"]


def test_a_workbook_over_the_limits_in_the_worker_says_so(world, monkeypatch):
    def hog(fn: Any, *args: Any, limits: Limits) -> Any:
        raise LimitExceeded("memory", limits)

    monkeypatch.setattr(services.checking, "run_limited", hog)
    name, make, _ = MALFORMED["bad_track"]
    with scope(world.acme):
        result = services.check_workbook(make(), name=name)
    assert not result.ok
    assert "more than 1,024 MB of memory" in result.problems[0].message


def test_only_the_first_500_problems_are_kept_then_how_many_more(world, monkeypatch):
    from spreadsheets import validator

    real = validator.parse_workbook

    def many(book: Any, context: Any = None) -> Any:
        parsed = real(book, context)
        parsed.problems = [Problem("Levels", i, "Code", "", f"problem {i}") for i in range(3000)]
        return parsed

    monkeypatch.setattr(services.checking, "parse_workbook", many)
    name, make, _ = MALFORMED["bad_track"]
    with scope(world.acme):
        result = services.check_workbook(make(), name=name)
    assert len(result.problems) == 501
    assert result.problems[0].message == "problem 0"
    assert result.problems[-1].message.startswith("… and 2,500 more problems")
