"""The people CSV file is one more reader of the Master Template's people import (issue 7):
the same row gives the same problem from a CSV file and from a workbook's People sheet,
and the CSV import writes its people in bulk, as the workbook does, in as many queries for
60 people as for 15."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.scoping import scope
from people.models import LevelChange, Person
from people.services import create_person, set_active
from spreadsheets import people_csv, services
from tests.people.test_people import make_ladder

pytestmark = pytest.mark.django_db

# name, email, manager email, family, level, start date: a row with one problem each
BAD_ROWS = {
    "e-mail": ("Bad Mail", "not-an-email", "", "Product Management", "P1", ""),
    "level": ("Lev", "lev@acme.test", "", "Product Management", "P9", ""),
    "own manager": ("Self", "self@acme.test", "self@acme.test", "Product Management", "P1", ""),
    "date": ("Date", "date@acme.test", "", "Product Management", "P1", "31/31/2024"),
    # Emma reports to Max in the directory: Max under Emma closes a loop the file does
    # not show (the People sheet did not see it before)
    "loop through the directory": (
        "Max Manager",
        "max@acme.test",
        "emma@acme.test",
        "Product Management",
        "P2",
        "",
    ),
    # a deactivated person is not changed by an import (the People sheet did before)
    "deactivated person": ("Gone", "gone@acme.test", "", "Product Management", "P1", ""),
    "deactivated manager": (
        "Under",
        "under@acme.test",
        "gone@acme.test",
        "Product Management",
        "P1",
        "",
    ),
}


def _csv_problems(row: tuple[str, ...]) -> list[tuple[str, str]]:
    header = ["Name", "Email", "Manager email", "Job family", "Level", "Start date"]
    checked = people_csv.check(header, [list(row)])
    return [(p.column, p.message) for p in checked.problems]


def _sheet_problems(world: Any, row: tuple[str, ...]) -> list[tuple[str, str]]:
    """The organization's own export with the row added to its People sheet."""
    book = openpyxl.load_workbook(io.BytesIO(services.export_workbook(world.acme)))
    name, email, manager, family, level, start = row
    book["People"].append([email, name, manager, family, level, start or None])
    buf = io.BytesIO()
    book.save(buf)
    checked = services.check_workbook(buf.getvalue(), name="people.xlsx")
    return [(p.column, p.message) for p in checked.problems if p.sheet == "People"]


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_the_same_bad_row_gives_the_same_problem_from_a_csv_file_and_the_people_sheet(world, case):
    make_ladder(world.acme, world.owner)
    with scope(world.acme):
        gone = create_person(world.acme, actor=world.hr, name="Gone", email="gone@acme.test")
        set_active(gone, actor=world.hr, active=False)
        from_csv = _csv_problems(BAD_ROWS[case])
        from_sheet = _sheet_problems(world, BAD_ROWS[case])
    assert len(from_csv) == 1, from_csv
    assert from_csv == from_sheet


# --- the CSV import's writes ------------------------------------------------------------


def _import(client: Any, text: str) -> int:
    """Upload, preview and confirm `text`; the queries of the confirmation."""
    response = client.post(
        reverse("people:import"),
        {"file": SimpleUploadedFile("people.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 302, response.content[:2000]
    location = response["Location"]
    page = client.get(location).text
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page)
    assert digest, re.findall(r"Row \d+, column [^<]*", page)[:5]
    with CaptureQueriesContext(connection) as queries:
        done = client.post(location, {"digest": digest.group(1)})
    assert done.status_code == 302 and done["Location"] == reverse("people:list")
    return len(queries.captured_queries)


def _people(prefix: str, count: int, title: str, shift: int) -> str:
    """`count` people, each reporting to the one a fifth of their number (the first to no
    one), written bottom up: every manager comes after their reports in the file."""
    lines = []
    for i in range(count):
        manager = f"{prefix}{(i - 1) // 5}@acme.test" if i else ""
        lines.append(
            f"{prefix.upper()} {i},{prefix}{i}@acme.test,{title} {i},{manager},"
            f"Product Management,P{(i + shift) % 3 + 1},2024-01-{i % 28 + 1:02d}"
        )
    return "Name,Email,Job title,Manager email,Job family,Level,Start date\n" + "\n".join(
        reversed(lines)
    )


def test_a_csv_import_makes_as_many_queries_for_60_people_as_for_15(world):
    make_ladder(world.acme, world.owner)
    client = world.client_for(world.hr)
    # the first people placed on the ladder: the imports after it also read its labels
    _import(client, _people("a", 5, "Engineer", 0))
    assert _import(client, _people("b", 15, "Engineer", 0)) == _import(
        client, _people("c", 60, "Engineer", 0)
    )
    # and as many again to update them (a new title and level each)
    assert _import(client, _people("b", 15, "Senior", 1)) == _import(
        client, _people("c", 60, "Senior", 1)
    )
    with scope(world.acme):
        c59 = Person.objects.get(email="c59@acme.test")
        assert c59.manager.email == "c11@acme.test" and c59.title == "Senior 59"
        assert c59.level.code == "P1"  # P{(59 + 1) % 3 + 1}
        assert LevelChange.objects.filter(person=c59).count() == 2
