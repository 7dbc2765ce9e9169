"""Importing and exporting with the database: public frameworks converted to the Master
Template, the upload → preview → confirm pages per persona, background jobs, exports,
and the two management commands."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily, Level, Statement
from frameworks.services import apply_family_data, publish_draft, version_to_data
from organizations.models import AuditEntry
from organizations.scoping import scope
from people.models import Person
from spreadsheets import services
from spreadsheets.models import ImportJob
from spreadsheets.reader import read_workbook
from spreadsheets.validator import parse_workbook
from spreadsheets.writer import blank_template, example_family
from tests.data.build_workbooks import build_public
from tests.spreadsheets.workbooks import edited_template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_public(tmp_path_factory.mktemp("public"))


AUDITED_REFUSALS = ["import.refused", "import.failed"]


def counts(org: Any) -> dict[str, int]:
    with scope(org):
        return {
            "families": JobFamily.objects.count(),
            "versions": FrameworkVersion.objects.count(),
            "levels": Level.objects.count(),
            "statements": Statement.objects.count(),
            "people": Person.objects.count(),
            # refused and failed imports are audited, but change nothing
            "audit": AuditEntry.objects.exclude(action__in=AUDITED_REFUSALS).count(),
        }


def upload(client: Any, data: bytes, name: str = "ladder.xlsx") -> Any:
    return client.post(
        reverse("spreadsheets:upload"), {"file": SimpleUploadedFile(name, data, XLSX)}
    )


def job_of(response: Any) -> ImportJob:
    assert response.status_code == 302, response.content[:500]
    public_id = response["Location"].rstrip("/").split("/")[-1]
    from organizations.scoping import unscoped

    with unscoped():
        return ImportJob.objects.get(public_id=public_id)


# --- public frameworks: exact counts ------------------------------------------------------

EXPECTED = {
    # family: (levels, competencies, statements)
    "dropbox": {
        "Data Engineer": (5, 23, 299),
        "Machine Learning Engineer": (5, 25, 319),
        "Reliability Engineer": (7, 25, 334),
        # "Architecture Design"/"Architecture design" etc. are one competency each
        "Software Engineer": (7, 22, 431),
        "Technical Program Manager": (6, 19, 301),
        "Quality Engineer": (4, 25, 280),
        "Software Development Engineer in Test": (4, 23, 305),
        "Security Engineer": (5, 21, 300),
        "Engineering Manager": (5, 24, 336),
    },
    "monzo": {"Product (Monzo)": (4, 7, 70)},
    "snowflake": {"Engineering (Medium)": (5, 16, 320)},
    "jorgef": {"Developer": (7, 23, 37)},
    # 210 <li> items in ladder.md: 142 in the four IC tables, 68 in the manager table
    "artsy": {"Engineering (Artsy)": (12, 17, 210)},
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_public_framework_converted_to_the_template_reads_with_the_right_counts(public, name):
    result = parse_workbook(read_workbook(public[name].read_bytes()))
    assert result.ok, [str(p) for p in result.problems]
    got = {
        f.name: (len(f.levels), len(f.competencies), f.statement_count()) for f in result.families
    }
    assert got == EXPECTED[name]


def test_public_framework_details_survive_the_conversion(public):
    monzo = parse_workbook(read_workbook(public["monzo"].read_bytes()))
    (family,) = monzo.families
    assert family.competencies[0].name == "🧠 Problem solving"
    level4 = [s for c in family.competencies for s in c.statements.get("L4", [])]
    assert level4 and all(s.evidence == ["written_artifact", "360_input"] for s in level4)
    snow = parse_workbook(read_workbook(public["snowflake"].read_bytes()))
    assert snow.families[0].categories() == ["Building", "Executing", "Supporting", "Strengthening"]
    assert [lv.track for lv in snow.families[0].levels] == ["shared"] * 3 + ["ic"] * 2
    assert any("Scratch" in n for n in snow.notes)
    jorgef = parse_workbook(read_workbook(public["jorgef"].read_bytes()))
    formulas = next(c for c in jorgef.families[0].competencies if c.name == "Formulas")
    assert formulas.statements["D1"][0].text == "=1+1 is written as text"
    assert formulas.statements["D2"][0].text == "@mention stays text"
    artsy = parse_workbook(read_workbook(public["artsy"].read_bytes()))
    (eng,) = artsy.families
    assert [lv.code for lv in eng.levels][:4] == ["IC2", "IC3", "IC4", "M2"]  # the split
    assert eng.categories()[-1] == "Management"
    assert sum(len(c.statements.get("M2", [])) for c in eng.competencies) == 16


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_committed_workbooks_match_the_script(public, name):
    committed = Path(__file__).parents[1] / "data" / "xlsx" / public[name].name
    a = parse_workbook(read_workbook(committed.read_bytes()))
    b = parse_workbook(read_workbook(public[name].read_bytes()))
    assert a.families == b.families and a.people == b.people


def test_dropbox_imports_through_the_pages_with_people_and_round_trips(world, public):
    client = world.client_for(world.hr)
    job = job_of(upload(client, public["dropbox"].read_bytes(), "dropbox.xlsx"))
    assert job.status == ImportJob.Status.READY, job.errors[:3]
    totals = job.summary["totals"]
    assert totals == {
        "families": 9,
        "new_families": 9,
        "levels": 48,
        "competencies": 207,
        "statements": 2905,
        "people": 60,
        "people_added": 60,
        "people_changed": 0,
    }
    page = client.get(reverse("spreadsheets:job", kwargs={"job_id": job.public_id}))
    assert b"Check the changes, then import" in page.content
    assert b"Software Development Engineer in Test" in page.content
    done = client.post(reverse("spreadsheets:confirm", kwargs={"job_id": job.public_id}))
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert len(job.result["drafts"]) == 9 and job.result["people_created"] == 60
    with scope(world.acme):
        assert Statement.objects.count() == 2905
        assert Person.objects.filter(email__endswith="@example.com").count() == 60
        p30 = Person.objects.get(email="person30@example.com")
        assert p30.manager.email == "person05@example.com"
        assert p30.level.code == "IC1" and p30.level.version.is_draft
        assert Person.objects.get(email="person01@example.com").start_date.isoformat() == (
            "2018-02-07"
        )
        assert AuditEntry.objects.filter(action="import.applied").count() == 1
        # export the drafts and read them back: exactly the same frameworks
        drafts = {
            v.family.name: version_to_data(v)
            for v in FrameworkVersion.objects.filter(status="draft").select_related("family")
        }
        exported = services.export_workbook(world.acme, which="draft")
    with scope(world.acme):
        rechecked = services.check_workbook(exported)
    assert rechecked.ok
    assert {f["status"] for f in rechecked.summary["families"]} == {"unchanged"}
    assert rechecked.summary["people"]["unchanged"] == 60
    assert rechecked.summary["people"]["added"] == rechecked.summary["people"]["changed"] == []
    again = parse_workbook(read_workbook(exported))
    assert again.ok
    for family in again.families:
        assert family == drafts[family.name].without_uids()
    result_page = client.get(reverse("spreadsheets:job", kwargs={"job_id": job.public_id}))
    assert b"Review the Data Engineer draft" in result_page.content


# --- the flow, persona by persona ----------------------------------------------------------


def test_members_cannot_use_import_and_export(world):
    for user in (world.manager, world.employee):
        client = world.client_for(user)
        assert client.get(reverse("spreadsheets:index")).status_code == 403
        assert client.get(reverse("spreadsheets:template")).status_code == 403
        assert client.get(reverse("spreadsheets:export")).status_code == 403
        assert upload(client, blank_template()).status_code == 403


def test_owner_and_hr_see_the_page_and_download_the_template(world):
    for user in (world.owner, world.hr):
        client = world.client_for(user)
        page = client.get(reverse("spreadsheets:index"))
        assert page.status_code == 200
        assert b"Download the Master Template" in page.content
        assert b"up to 10 MB" in page.content
        response = client.get(reverse("spreadsheets:template"))
        assert response["Content-Type"] == XLSX
        assert "master-template.xlsx" in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[0] == "Instructions"


def test_index_queries_do_not_grow_with_imports(world, django_assert_max_num_queries):
    client = world.client_for(world.hr)
    with scope(world.acme):
        for i in range(12):
            ImportJob.objects.create(
                organization=world.acme, original_name=f"f{i}.xlsx", created_by=world.hr
            )
    with django_assert_max_num_queries(14):
        assert client.get(reverse("spreadsheets:index")).status_code == 200


def test_upload_with_errors_shows_them_all_and_changes_nothing(world):
    client = world.client_for(world.hr)
    broken = edited_template(
        {"Levels": {"D2": "Sideways", "E3": "two"}, "People": {"A2": "not-an-email"}}
    )
    before = counts(world.acme)
    job = job_of(upload(client, broken, "broken.xlsx"))
    assert job.status == ImportJob.Status.INVALID
    assert {(e["sheet"], e["row"], e["column"]) for e in job.errors} == {
        ("Levels", 2, "Track"),
        ("Levels", 3, "Rank"),
        ("People", 2, "Email"),
        ("People", 3, "Manager email"),  # the manager was the person on row 2
    }
    page = client.get(reverse("spreadsheets:job", kwargs={"job_id": job.public_id}))
    text = page.content.decode()
    assert "There are problems with this workbook (4)" in text
    assert "Levels sheet" in text and "People sheet" in text
    assert "“Sideways” is not one we know" in text
    assert 'class="error-summary"' in text
    assert counts(world.acme) == before
    # the job cannot be confirmed
    client.post(reverse("spreadsheets:confirm", kwargs={"job_id": job.public_id}))
    assert counts(world.acme) == before


def test_preview_compares_with_the_current_framework_and_people(world):
    with scope(world.acme):
        family = example_family()
        draft = apply_family_data(world.acme, family, actor=world.owner)
        publish_draft(draft, actor=world.owner, note="First")
    book = openpyxl.load_workbook(io.BytesIO(blank_template()))
    ws = book["Product Management"]
    ws["A5"] = "Shipping"  # rename "Writing craft" → removed + added
    ws["E3"] = "Joins customer interviews and shares notes."  # one statement changed
    writing = sum(len(items) for items in family.competencies[2].statements.values())
    book["People"]["A3"] = world.p_employee.email.upper()  # an existing person, changed
    book["People"]["B3"] = "Emma Employee"
    buf = io.BytesIO()
    book.save(buf)
    client = world.client_for(world.hr)
    job = job_of(upload(client, buf.getvalue()))
    assert job.status == ImportJob.Status.READY, job.errors
    (fam,) = job.summary["families"]
    assert fam["status"] == "changed" and fam["replaces"] == "v1"
    assert fam["competencies"] == {
        "added": ["Shipping"],
        "changed": ["Discovery and problem framing"],
        "removed": ["Writing craft"],
    }
    # one statement reworded, and Writing craft's now belong to Shipping
    assert fam["statements"] == {"added": writing + 1, "removed": writing + 1}
    people = job.summary["people"]
    assert [p["email"] for p in people["added"]] == ["dana.director@example.com"]
    assert people["changed"][0]["email"] == world.p_employee.email
    assert people["not_in_file"] == 3
    page = client.get(reverse("spreadsheets:job", kwargs={"job_id": job.public_id}))
    text = page.content.decode()
    # issue 8, fix 4: the preview shows the changes themselves, as the version diff does
    assert 'class="diff-item diff-item--removed"' in text and "Writing craft" in text
    assert '<span class="visually-hidden">inserted: </span>shares notes.</ins>' in text
    assert "Takes part in the user" in text  # the reworded statement's old words
    # the family and the level as two changes, as the people CSV import shows them
    assert '<span class="visually-hidden">after: </span>Product Management</ins>' in text
    assert '<span class="visually-hidden">after: </span>SPM</ins>' in text
    changes = fam["changes"]
    assert [c["name"] for c in changes["competencies"] if c["kind"] == "removed"] == [
        "Writing craft"
    ]
    reworded = [c for c in changes["statements"] if c["kind"] == "changed"]
    assert [(c["competency"], c["level"]) for c in reworded] == [
        ("Discovery and problem framing", "APM")
    ]
    client.post(reverse("spreadsheets:confirm", kwargs={"job_id": job.public_id}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        assert emma.level.code == "SPM" and not emma.level.version.is_draft  # published level
        assert emma.manager.email == "dana.director@example.com"
        assert FrameworkVersion.objects.filter(status="draft").count() == 1


def test_a_stale_preview_is_not_applied(world):
    client = world.client_for(world.hr)
    job = job_of(upload(client, blank_template()))
    assert job.status == ImportJob.Status.READY
    with scope(world.acme):
        apply_family_data(world.acme, example_family(), actor=world.owner)
    before = counts(world.acme)
    client.post(reverse("spreadsheets:confirm", kwargs={"job_id": job.public_id}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "out of date" in job.errors[0]["message"]
    assert counts(world.acme) == before


def test_confirming_twice_applies_once(world):
    client = world.client_for(world.hr)
    job = job_of(upload(client, blank_template()))
    url = reverse("spreadsheets:confirm", kwargs={"job_id": job.public_id})
    client.post(url)
    after_first = counts(world.acme)
    response = client.post(url, follow=True)
    assert b"already been confirmed" in response.content
    assert counts(world.acme) == after_first


def test_large_files_run_as_background_tasks(world, monkeypatch):
    monkeypatch.setattr(services.jobs, "INLINE_MAX_BYTES", 0)
    from django.tasks.signals import task_enqueued

    calls: list[str] = []

    def seen(sender: Any, task_result: Any, **kwargs: Any) -> None:
        calls.append(task_result.task.name)

    task_enqueued.connect(seen, weak=False)
    try:
        client = world.client_for(world.hr)
        job = job_of(upload(client, blank_template()))
        assert job.status == ImportJob.Status.READY
        client.post(reverse("spreadsheets:confirm", kwargs={"job_id": job.public_id}))
    finally:
        task_enqueued.disconnect(seen)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert calls == ["check_import", "apply_import_job"]


def running_job(world: Any, status: str, progress: int, stage: str) -> ImportJob:
    with scope(world.acme):
        return ImportJob.objects.create(
            organization=world.acme,
            original_name="big.xlsx",
            status=status,
            progress=progress,
            stage=stage,
        )


def test_progress_page_polls_every_second_until_done(world):
    job = running_job(
        world, ImportJob.Status.CHECKING, 35, "Reading families, levels and statements"
    )
    client = world.client_for(world.hr)
    url = reverse("spreadsheets:job", kwargs={"job_id": job.public_id})
    page = client.get(url).content.decode()
    assert '<progress id="job-progress" max="100" value="35">' in page
    assert 'hx-trigger="every 1s"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "job-progress" in fragment
    with scope(world.acme):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, progress=100)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in fragment and "Imported big.xlsx" in fragment


def test_the_importing_page_says_how_far_and_what_a_failure_does(world):
    """A big import is written in steps (issue 9, finding 5): the page shows how far it
    got, that its people may show meanwhile, and that a failure undoes it."""
    job = running_job(world, ImportJob.Status.APPLYING, 52, "People: 8,000 of 19,990 written")
    url = reverse("spreadsheets:job", kwargs={"job_id": job.public_id})
    page = world.client_for(world.hr).get(url).content.decode()
    assert '<progress id="job-progress" max="100" value="52">' in page
    assert "People: 8,000 of 19,990 written" in page
    assert "your pages may show some of its people already" in page
    assert "If it stops part-way, everything it added or changed is undone." in page


def test_too_large_upload_is_refused_by_the_form(world, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(world.client_for(world.hr), blank_template())
    assert response.status_code == 400
    assert b"larger than" in response.content


def test_read_only_organization_can_export_but_not_import(world):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save()
    client = world.client_for(world.hr)
    page = client.get(reverse("spreadsheets:index"))
    assert b"importing is switched off" in page.content
    assert client.get(reverse("spreadsheets:export")).status_code == 200
    before = counts(world.acme)
    assert upload(client, blank_template()).status_code == 403
    assert counts(world.acme) == before


# --- exports -----------------------------------------------------------------------------


def test_export_one_family_published_or_draft(world):
    with scope(world.acme):
        first = apply_family_data(world.acme, example_family(), actor=world.owner)
        publish_draft(first, actor=world.owner, note="First")
        changed = example_family()
        changed.competencies = changed.competencies[:1]
        apply_family_data(world.acme, changed, actor=world.owner)
        other = example_family()
        other.name, other.key = "Design", "design"
        apply_family_data(world.acme, other, actor=world.owner)
        family = JobFamily.objects.get(key="product-management")
    client = world.client_for(world.hr)
    url = reverse("spreadsheets:export")

    def families_in(response: Any) -> dict[str, int]:
        assert response["Content-Type"] == XLSX
        parsed = parse_workbook(read_workbook(response.content))
        assert parsed.ok, [str(p) for p in parsed.problems]
        return {f.name: len(f.competencies) for f in parsed.families}

    assert families_in(client.get(url, {"family": family.public_id, "version": "published"})) == {
        "Product Management": 3
    }
    assert families_in(client.get(url, {"family": family.public_id, "version": "draft"})) == {
        "Product Management": 1
    }
    everything = client.get(url, {"version": "published", "people": "on"})
    assert families_in(everything) == {"Product Management": 3, "Design": 3}
    book = openpyxl.load_workbook(io.BytesIO(everything.content))
    assert "People" in book.sheetnames
    bad = client.get(url, {"family": "nosuchfamily", "version": "published"})
    assert bad.status_code == 302


# --- the command line ----------------------------------------------------------------------


def test_import_command_dry_run_then_for_real(world, public, capsys):
    before = counts(world.acme)
    call_command("import_framework", str(public["snowflake"]), "--org", "acme", "--dry-run")
    out = capsys.readouterr().out
    assert "1 job families, 5 levels, 16 competencies, 320 statements" in out
    assert "Dry run" in out
    assert counts(world.acme) == before
    call_command("import_framework", str(public["snowflake"]), "--org", "acme")
    out = capsys.readouterr().out
    assert "Draft ready: Engineering (Medium)" in out
    with scope(world.acme):
        assert Statement.objects.count() == 320
        assert AuditEntry.objects.filter(action="import.applied", actor=None).exists()


def test_import_command_prints_every_error_and_fails(world, tmp_path, capsys):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(
        edited_template({"Levels": {"D2": "Sideways"}, "Families": {"A3": "product management"}})
    )
    before = counts(world.acme)
    with pytest.raises(CommandError, match="2 problems found; nothing was imported"):
        call_command("import_framework", str(path), "--org", "acme")
    err = capsys.readouterr().err
    assert "Levels, row 2, column Track" in err and "Families, row 3, column Family" in err
    assert counts(world.acme) == before
    with pytest.raises(CommandError, match="No organization"):
        call_command("import_framework", str(path), "--org", "nope")
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("import_framework", str(tmp_path / "x.csv"), "--org", "acme")
    assert "not an Excel workbook" in capsys.readouterr().err


def test_export_command_writes_a_workbook_that_imports_back(world, tmp_path, capsys):
    with scope(world.acme):
        draft = apply_family_data(world.acme, example_family(), actor=world.owner)
        publish_draft(draft, actor=world.owner, note="First")
    out = tmp_path / "acme.xlsx"
    call_command("export_framework", "--org", "acme", "--out", str(out))
    assert "Wrote 1 job families" in capsys.readouterr().out
    parsed = parse_workbook(read_workbook(out.read_bytes()))
    assert parsed.families == [example_family()]
    assert {p.email for p in parsed.people} == set()  # nobody is on a level yet
    intro = openpyxl.load_workbook(out)["Instructions"]["A2"].value
    assert "4 active people have no job family and level yet" in intro
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_framework", "--org", "acme", "--out", "/nonexistent/dir/x.xlsx")
    with pytest.raises(CommandError, match="No organization"):
        call_command("export_framework", "--org", "nope", "--out", str(out))


def test_the_background_task_re_enters_the_organization_scope(world):
    from django.core.files.base import ContentFile

    from organizations.scoping import active_organization
    from spreadsheets.tasks import check_import

    with scope(world.acme):
        job = ImportJob(organization=world.acme, original_name="t.xlsx", created_by=world.hr)
        job.file.save("t.xlsx", ContentFile(blank_template()), save=False)
        job.save()
    assert active_organization() is None
    check_import.call(job.pk)  # what a worker runs: only the id, no scope around it
    with scope(world.acme):
        job.refresh_from_db()
    assert job.status == ImportJob.Status.READY
    assert job.summary["totals"]["families"] == 1


def test_an_unexpected_failure_is_a_message_not_a_server_error(world, monkeypatch):
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.jobs, "check_workbook", boom)
    client = world.client_for(world.hr)
    before = counts(world.acme)
    job = job_of(upload(client, blank_template()))
    assert job.status == ImportJob.Status.FAILED
    page = client.get(reverse("spreadsheets:job", kwargs={"job_id": job.public_id}))
    assert page.status_code == 200
    assert b"Something went wrong while reading the file" in page.content
    assert counts(world.acme) == before
    with scope(world.acme):
        failed = AuditEntry.objects.get(action="import.failed")
    assert failed.actor == world.hr and "went wrong" in failed.data["reason"]


def test_big_workbooks_go_to_the_background(world, public):
    small = ImportJob(size=10_000, summary={"totals": {"people": 60, "statements": 2905}})
    assert services.is_small(small, "check", blank_template())
    assert services.is_small(small, "apply")
    many_people = ImportJob(size=10_000, summary={"totals": {"people": 2000, "statements": 10}})
    assert not services.is_small(many_people, "apply")
    rows = public["dropbox"].read_bytes()  # 60 people but long matrix sheets: ~300 rows
    assert services.is_small(ImportJob(size=len(rows)), "check", rows)
    big = ImportJob(size=services.jobs.INLINE_MAX_BYTES + 1)
    assert not services.is_small(big, "check", rows)


@pytest.mark.django_db
def test_round_trip_through_the_database_for_generated_frameworks(world):
    """A framework loaded as a draft, exported and read back is the same framework."""
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings

    from tests.spreadsheets.test_reader_writer import families

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(families())
    def check(generated: Any) -> None:
        with scope(world.acme), transaction.atomic():
            draft = apply_family_data(world.acme, generated, actor=world.owner)
            stored = version_to_data(draft).without_uids()
            exported = services.export_workbook(world.acme, family=draft.family, which="draft")
            parsed = parse_workbook(read_workbook(exported))
            transaction.set_rollback(True)
        assert parsed.ok, [str(p) for p in parsed.problems]
        assert parsed.families == [stored]

    check()
