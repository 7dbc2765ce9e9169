"""CSV import of people: upload → preview with per-row errors → confirm, all or nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import AuditEntry
from organizations.scoping import scope
from people import services
from people.models import LevelChange, PeopleImport, Person
from people.services import create_person, set_active, update_person
from spreadsheets import people_csv
from tests.people.test_people import make_ladder

pytestmark = pytest.mark.django_db

HEADER = "Name,Email,Job title,Manager email,Job family,Level,Start date\n"


@pytest.fixture
def ladder(world):
    return make_ladder(world.acme, world.owner)


def upload(client: Any, text: str | bytes, name: str = "people.csv") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("people:import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def preview(client: Any, text: str) -> tuple[str, str]:
    response = upload(client, text)
    assert response.status_code == 302, response.content[:2000]
    location = response["Location"]
    return location, client.get(location).text


def confirm(client: Any, location: str, page: str) -> Any:
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page)
    assert digest, "no confirm button on the preview"
    return client.post(location, {"digest": digest.group(1)})


def errors_for(world: Any, text: str) -> list[str]:
    with scope(world.acme):
        header, rows = people_csv.read_csv(text.encode())
        return [people_csv.message(p) for p in people_csv.check(header, rows).problems]


# --- the happy path ---------------------------------------------------------------------


def test_import_adds_people_with_managers_later_in_the_file(world, ladder):
    family, levels = ladder
    client = world.client_for(world.hr)
    text = (
        "NAME,e-mail,JOB TITLE,Manager Email,job family,level,start date\n"
        "Tom Becker,Tom@Acme.test,Senior PM,priya@acme.test,Product Management,P3,15/06/2022\n"
        "Lena Ortiz,lena@acme.test,PM,tom@acme.test,product management,Product Manager,"
        "2024-01-08\n"
        "Priya Shah,priya@acme.test,Head of Product,max@acme.test,Product Management,M3,\n"
    )
    location, page = preview(client, text)
    assert '3</span><span class="stat-label">to add' in page
    assert "Import 3 people" in page
    with scope(world.acme):
        assert not Person.objects.filter(email="tom@acme.test").exists()  # nothing yet
    response = confirm(client, location, page)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:list")
    with scope(world.acme):
        tom = Person.objects.get(email="tom@acme.test")
        lena = Person.objects.get(email="lena@acme.test")
        priya = Person.objects.get(email="priya@acme.test")
        assert tom.manager == priya and lena.manager == tom and priya.manager == world.p_manager
        assert tom.level == levels["P3"] and lena.level == levels["P2"]
        assert priya.level == levels["M3"] and priya.job_family == family
        assert tom.start_date.isoformat() == "2022-06-15"
        assert lena.start_date.isoformat() == "2024-01-08"
        assert tom.title == "Senior PM"
        assert LevelChange.objects.filter(person=tom, level_code="P3").exists()
        assert AuditEntry.objects.filter(action="person.created").count() >= 3
        summary = AuditEntry.objects.get(action="people.imported")
        assert summary.data["added"] == 3 and summary.data["file"] == "people.csv"
        assert PeopleImport.objects.get().applied_at is not None
    listing = client.get(reverse("people:list")).text
    assert "Import finished: 3 added, 0 updated." in listing
    assert "Lena Ortiz" in listing


def test_import_updates_existing_people(world, ladder):
    _family, levels = ladder
    client = world.client_for(world.hr)
    text = HEADER + (
        "Emma Employee,emma@acme.test,Product Manager,,Product Management,P2,\n"
        "Max Manager,max@acme.test,,,,,\n"
    )
    location, page = preview(client, text)
    assert "Job title: — → Product Manager" in page
    assert "Level: — → P2" in page
    assert "No change" in page  # Max: blank cells leave him as he is
    confirm(client, location, page)
    with scope(world.acme):
        emma = Person.objects.get(email="emma@acme.test")
        assert emma.level == levels["P2"] and emma.manager == world.p_manager
        assert emma.title == "Product Manager"
        assert LevelChange.objects.get(person=emma).reason == "Imported from a CSV file"
        assert AuditEntry.objects.get(action="people.imported").data["updated"] == 1


def test_reporting_lines_can_be_turned_around_in_one_file(world):
    """Max manages Emma; the file makes Emma Max's manager. Applied in the right order,
    no step creates a loop."""
    client = world.client_for(world.hr)
    text = "Name,Email,Manager email\nMax Manager,max@acme.test,emma@acme.test\n"
    text += "Emma Employee,emma@acme.test,\n"
    # Blank manager cells leave Emma's manager as it is, so this is a loop.
    assert any("reporting loop" in e for e in errors_for(world, text))
    with scope(world.acme):
        update_person(world.p_employee, actor=world.hr, expected_revision=None, manager=None)
        update_person(world.p_manager, actor=world.hr, expected_revision=None, manager=None)
        update_person(world.p_employee, actor=world.hr, expected_revision=None, manager=world.p_hr)
    text = (
        "Name,Email,Manager email\n"
        "Hana Hr,hana@acme.test,max@acme.test\n"
        "Max Manager,max@acme.test,olivia@acme.test\n"
    )
    location, page = preview(client, text)
    assert confirm(client, location, page).status_code == 302
    with scope(world.acme):
        assert Person.objects.get(email="hana@acme.test").manager.email == "max@acme.test"


def test_example_csv_downloads_and_reads(world):
    client = world.client_for(world.hr)
    response = client.get(reverse("people:import_example"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, rows = people_csv.read_csv(response.content)
    assert header[:2] == ["Name", "Email"] and len(rows) == 3


# --- every kind of error ----------------------------------------------------------------


def test_row_errors_name_row_and_column(world, ladder):
    make_ladder(world.acme, world.owner, name="Empty Family", publish=False)
    with scope(world.acme):
        gone = create_person(world.acme, actor=world.hr, name="Gone", email="gone@acme.test")
        set_active(gone, actor=world.hr, active=False)
        from frameworks.services import create_family

        create_family(world.acme, name="No Levels", actor=world.hr)
    text = HEADER + "\n".join(
        [
            ",noname@acme.test,,,,,",  # row 2
            "Bad Mail,not-an-email,,,,,",  # row 3
            "Nobody Manager,nm@acme.test,,x@y.test,,,",  # row 4
            "Dup One,dup@acme.test,,,,,",  # row 5
            "Dup Two,dup@acme.test,,,,,",  # row 6
            "Fam,fam@acme.test,,,Astronauts,,",  # row 7
            "Lev,lev@acme.test,,,Product Management,P9,",  # row 8
            "Lonely Level,ll@acme.test,,,,P2,",  # row 9
            "Date,date@acme.test,,,,,31/31/2024",  # row 10
            "Self,self@acme.test,,self@acme.test,,,",  # row 11
            "Under Gone,ug@acme.test,,gone@acme.test,,,",  # row 12
            "Gone,gone@acme.test,,,,,",  # row 13
            "Loop A,a@acme.test,,b@acme.test,,,",  # row 14
            "Loop B,b@acme.test,,a@acme.test,,,",  # row 15
            "Nolev,nolev@acme.test,,,No Levels,P1,",  # row 16
            "X" * 151 + ",long@acme.test,,,,,",  # row 17
        ]
    )
    errors = errors_for(world, text)
    # the People sheet's messages (the CSV goes through its validator): row, column, fix
    expected = [
        "Row 2, column Name: The name is empty. Write the person's full name.",
        "Row 3, column Email: “not-an-email” is not an e-mail address, like name@company.com.",
        "Row 4, column Manager email: The manager x@y.test is not in this file or in your "
        "people directory. Add them as a row, or correct the address.",
        "Row 6, column Email: dup@acme.test is listed twice (also on row 5).",
        "Row 7, column Job family: “Astronauts” is not a family in your organization. Check "
        "the spelling, or create the family first.",
        "Row 8, column Level: “P9” is not a level of Product Management. Use one of its level "
        "codes (P1, P2, P3, M3) or titles.",
        "Row 9, column Job family: The family is empty, so the level “P2” cannot be found.",
        "Row 10, column Start date: “31/31/2024” is not a date. Write it like 2024-03-31 or "
        "31/03/2024",
        "Row 11, column Manager email: Someone cannot be their own manager.",
        "Row 12, column Manager email: The manager gone@acme.test is deactivated",
        "Row 13, column Email: Gone (gone@acme.test) is deactivated in your people directory. "
        "Reactivate them first, or remove the row.",
        "Row 14, column Manager email: This would make a reporting loop (Loop A → Loop B → Loop A)",
        "Row 15, column Manager email: This would make a reporting loop",
        "Row 16, column Level: “P1” is not a level of No Levels. No Levels has no levels yet",
        "Row 17, column Name: The name is too long; use at most 150 characters.",
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), (message, errors)
    assert len(errors) == len(expected), "\n".join(errors)


def test_loop_through_the_directory_is_refused(world):
    # Emma reports to Max; a file that puts Max under Emma closes the loop.
    text = "Name,Email,Manager email\nMax Manager,max@acme.test,emma@acme.test\n"
    errors = errors_for(world, text)
    assert errors == [
        "Row 2, column Manager email: This would make a reporting loop (Max Manager → "
        "Emma Employee → Max Manager): someone cannot, even indirectly, manage their own "
        "manager. Correct one of these managers."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"Name,Email\n", "has a header row but no people"),
        (b"Full name,Phone\nA,1\n", "Missing: Email"),
        (b"\x00\x01\x02binary", "does not look like a CSV file"),
        (b"Name,Email\n" + b"A,a@x.test\n" * 5001, "at most 5,000 can be imported"),
        (b"Name,Email\n" + b"x" * (2 * 1024 * 1024), "larger than 2 MB"),
    ],
)
def test_file_level_errors(world, content, message):
    response = upload(world.client_for(world.hr), content)
    assert response.status_code == 200
    assert message in response.text
    assert "error-summary" in response.text
    with scope(world.acme):
        assert not PeopleImport.objects.exists()


def test_windows_encoding_and_semicolons_are_read(world):
    text = "Name;Email\nJosé Núñez;jose@acme.test\n".encode("cp1252")
    with scope(world.acme):
        _header, rows = people_csv.read_csv(text)
    assert rows == [["José Núñez", "jose@acme.test"]]


def test_errors_block_the_import_and_are_shown(world, ladder):
    client = world.client_for(world.hr)
    text = HEADER + "Good One,good@acme.test,,,,,\nBad,bad@acme.test,,x@y.test,,,\n"
    location, page = preview(client, text)
    assert "Row 3, column Manager email: The manager x@y.test is not in this file" in page
    assert "nothing can be imported yet" in page
    assert 'name="digest"' not in page
    assert client.post(location, {"digest": "anything"}).status_code == 200
    with scope(world.acme):
        assert not Person.objects.filter(email="good@acme.test").exists()


# --- all or nothing ---------------------------------------------------------------------


def test_failure_midway_changes_nothing(world, ladder, monkeypatch):
    """The people are written in bulk (`people.importing.write_people`), not one by one:
    the failure comes after their rows and level history are written, before their audit
    entries, and everything is rolled back."""
    from people import importing

    client = world.client_for(world.hr)
    text = HEADER + "".join(f"P {i},p{i}@acme.test,,,Product Management,P1,\n" for i in range(5))
    location, page = preview(client, text)

    def failing(*args: Any, **kwargs: Any) -> Any:
        with scope(world.acme):
            assert Person.objects.filter(email__startswith="p").count() == 5  # written
        raise services.PersonError("The database went away.")

    monkeypatch.setattr(importing, "record_many", failing)
    response = confirm(client, location, page)
    assert "Nothing was imported: The database went away." in response.text
    with scope(world.acme):
        assert not Person.objects.filter(email__startswith="p").exists()
        assert not LevelChange.objects.filter(person__email__startswith="p").exists()
        assert not AuditEntry.objects.filter(action="person.created", target_label="P 0").exists()
        assert not AuditEntry.objects.filter(action="people.imported").exists()
        assert PeopleImport.objects.get().applied_at is None


def test_directory_change_after_preview_is_noticed(world, ladder):
    client = world.client_for(world.hr)
    text = HEADER + "Emma Employee,emma@acme.test,Typed title,,,,\nNew,new@acme.test,,,,,\n"
    location, page = preview(client, text)
    with scope(world.acme):
        update_person(world.p_employee, actor=world.owner, expected_revision=None, title="X")
    response = confirm(client, location, page)
    assert response.status_code == 200
    assert "changed since this preview was made, so nothing was imported" in response.text
    with scope(world.acme):
        assert not Person.objects.filter(email="new@acme.test").exists()
    # The new preview can be confirmed.
    assert confirm(client, location, response.text).status_code == 302
    with scope(world.acme):
        assert Person.objects.get(email="emma@acme.test").title == "Typed title"


def test_an_import_is_applied_once(world):
    client = world.client_for(world.hr)
    location, page = preview(client, "Name,Email\nOnce,once@acme.test\n")
    assert confirm(client, location, page).status_code == 302
    again = client.post(location, {"digest": "x"})
    assert again.status_code == 302
    with scope(world.acme):
        assert Person.objects.filter(email="once@acme.test").count() == 1


def test_preview_rows_come_from_the_server_not_the_form(world):
    client = world.client_for(world.hr)
    location, page = preview(client, "Name,Email\nReal,real@acme.test\n")
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)
    client.post(location, {"digest": digest, "rows": "Evil,evil@acme.test", "name": "Evil"})
    with scope(world.acme):
        assert Person.objects.filter(email="real@acme.test").exists()
        assert not Person.objects.filter(email="evil@acme.test").exists()


def test_another_organizations_import_is_not_found(world):
    with scope(world.globex):
        theirs = services.stage_import(
            world.globex,
            actor=world.outsider,
            filename="g.csv",
            header=["Name", "Email"],
            rows=[["G", "g@globex.test"]],
        )
    url = reverse("people:import_preview", kwargs={"import_id": theirs.public_id})
    assert world.client_for(world.hr).get(url).status_code == 404
    assert world.client_for(world.employee).get(url).status_code == 403


def test_preview_query_count_is_constant(world, ladder, django_assert_max_num_queries):
    client = world.client_for(world.hr)

    def rows(n: int) -> str:
        lines = [
            f"P {i},p{i}@acme.test,,max@acme.test,Product Management,P{i % 3 + 1},"
            for i in range(n)
        ]
        return HEADER + "\n".join(lines)

    small_location, _ = preview(client, rows(5))
    big_location, _ = preview(client, rows(50))
    with django_assert_max_num_queries(25) as small:
        client.get(small_location)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "P 49" in client.get(big_location).text
