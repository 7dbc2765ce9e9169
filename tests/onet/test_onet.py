"""O*NET: the compact data file, search, the occupation page, "add as competency" and
the attribution on every O*NET page."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from frameworks.models import Competency, FrameworkVersion, Statement
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from frameworks.services import FrameworkError, apply_family_data, publish_draft
from onet import data
from onet.services import CATEGORY, add_element_as_competency, add_to_family, third_person
from organizations.models import AuditEntry
from organizations.scoping import scope
from tests.framework_fixtures import write_cell

ATTRIBUTION = b"O*NET 29.3 Database"
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "onet"

# --- the data file -------------------------------------------------------------------------


def test_the_compact_file_is_small_and_complete():
    assert data.DATA_FILE.stat().st_size < 3 * 1024 * 1024
    cat = data.catalogue()
    assert len(cat.occupations) > 1000
    assert len(cat.elements) == 68
    writing = cat.elements["2.A.1.c"]
    assert writing.name == "Writing" and writing.kind == "skill"
    assert [v for v, _ in writing.anchors] == [2, 4, 6]
    marketing = cat.occupations["11-2021.00"]
    assert "Product Manager" in marketing.titles
    importance = [r.importance for r in marketing.skills]
    assert importance == sorted(importance, reverse=True)
    assert all(0 <= r.level <= 7 for r in marketing.skills + marketing.knowledge)


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    lines = ["\t".join(header)] + ["\t".join(r) for r in rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_build_command_on_a_small_release(tmp_path: Path):
    src = tmp_path / "onet"
    src.mkdir()
    _write(
        src,
        "Occupation Data.txt",
        ["O*NET-SOC Code", "Title", "Description"],
        [["11-2021.00", "Marketing Managers", "Plan marketing."]],
    )
    _write(
        src,
        "Content Model Reference.txt",
        ["Element ID", "Element Name", "Description"],
        [["2.A.1.c", "Writing", "Communicating in writing."]],
    )
    _write(
        src,
        "Level Scale Anchors.txt",
        [
            "Element ID",
            "Element Name",
            "Scale ID",
            "Scale Name",
            "Anchor Value",
            "Anchor Description",
        ],
        [
            ["2.A.1.c", "Writing", "LV", "Level", "6", "Write a novel"],
            ["2.A.1.c", "Writing", "LV", "Level", "2", "Write down an order"],
        ],
    )
    _write(
        src,
        "Sample of Reported Titles.txt",
        ["O*NET-SOC Code", "Title", "Reported Job Title", "Shown in My Next Move"],
        [["11-2021.00", "Marketing Managers", "Product Manager", "N"]],
    )
    head = [
        "O*NET-SOC Code",
        "Title",
        "Element ID",
        "Element Name",
        "Scale ID",
        "Scale Name",
        "Data Value",
        "N",
        "Standard Error",
        "Lower CI Bound",
        "Upper CI Bound",
        "Recommend Suppress",
        "Not Relevant",
        "Date",
        "Domain Source",
    ]
    _write(
        src,
        "Skills.txt",
        head,
        [
            [
                "11-2021.00",
                "Marketing Managers",
                "2.A.1.c",
                "Writing",
                "IM",
                "Importance",
                "3.88",
                "8",
                "0.1",
                "3",
                "4",
                "N",
                "n/a",
                "08/2023",
                "Analyst",
            ],
            [
                "11-2021.00",
                "Marketing Managers",
                "2.A.1.c",
                "Writing",
                "LV",
                "Level",
                "4.12",
                "8",
                "0.1",
                "3",
                "4",
                "N",
                "N",
                "08/2023",
                "Analyst",
            ],
        ],
    )
    _write(src, "Knowledge.txt", head, [])
    out = tmp_path / "out.json.gz"
    call_command(
        "build_onet_data", "--source", str(src), "--output", str(out), stdout=io.StringIO()
    )
    built = json.loads(gzip.decompress(out.read_bytes()))
    assert built["elements"]["2.A.1.c"]["anchors"] == [
        [2, "Write down an order"],
        [6, "Write a novel"],
    ]
    occ = built["occupations"][0]
    assert occ["titles"] == ["Product Manager"]
    assert occ["skill"] == [["2.A.1.c", 3.88, 4.12]]
    assert "CC BY 4.0" in built["attribution"]
    # deterministic: the same release gives the same bytes
    first = out.read_bytes()
    call_command(
        "build_onet_data", "--source", str(src), "--output", str(out), stdout=io.StringIO()
    )
    assert out.read_bytes() == first


def test_build_command_refuses_an_incomplete_folder(tmp_path: Path):
    with pytest.raises(Exception, match="missing"):
        call_command("build_onet_data", "--source", str(tmp_path), stdout=io.StringIO())


@pytest.mark.skipif(not SOURCE.is_dir(), reason="the O*NET release is not beside the project")
def test_the_committed_file_matches_the_release(tmp_path: Path):
    out = tmp_path / "onet.json.gz"
    call_command(
        "build_onet_data", "--source", str(SOURCE), "--output", str(out), stdout=io.StringIO()
    )
    assert out.read_bytes() == data.DATA_FILE.read_bytes(), (
        "Rebuild onet/data/onet.json.gz with manage.py build_onet_data"
    )


# --- search ----------------------------------------------------------------------------


def test_product_manager_finds_marketing_managers_first():
    matches, total = data.search("Product Manager")
    assert matches[0].occupation.code == "11-2021.00"
    assert matches[0].matched_title == "Product Manager"
    assert total >= 1


def test_exact_titles_rank_first():
    matches, _ = data.search("software developers")
    assert matches[0].occupation.code == "15-1252.00"
    assert matches[0].rank == 0
    ranks = [m.rank for m in data.search("manager")[0]]
    assert ranks == sorted(ranks)


def test_search_by_code_and_nonsense():
    assert data.search("11-2021")[0][0].occupation.code == "11-2021.00"
    assert data.search("zzzqqq") == ([], 0)
    assert data.search("   ") == ([], 0)


def test_third_person():
    assert third_person("Write an email to staff") == "Writes an email to staff"
    assert third_person("Be responsible for 10 children") == "Is responsible for 10 children"
    assert third_person("Identify the cause") == "Identifies the cause"
    assert third_person("Approach a problem") == "Approaches a problem"
    assert third_person("Develop, implement a plan") == "Develops, implement a plan"


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("hr", 200), ("manager", 403), ("employee", 403)]
)
def test_search_page_by_persona(world, persona: str, status: int):
    response = world.client_for(getattr(world, persona)).get(reverse("onet:search"))
    assert response.status_code == status


def test_search_page_lists_matches_with_top_skills_and_attribution(world):
    client = world.client_for(world.hr)
    response = client.get(reverse("onet:search"), {"q": "Product Manager"})
    body = response.content.decode()
    assert "Marketing Managers" in body and "11-2021.00" in body
    assert body.index("Marketing Managers") < body.index("Industrial Production Managers")
    top = data.get_occupation("11-2021.00").top_skills()[0].element.name
    assert top in body
    assert ATTRIBUTION in response.content
    fragment = client.get(reverse("onet:search"), {"q": "Product Manager"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"Marketing Managers" in fragment.content
    assert ATTRIBUTION in fragment.content
    assert b"No occupation matches" in client.get(reverse("onet:search"), {"q": "zzzqqq"}).content
    assert b"Search 1,016 occupations" in client.get(reverse("onet:search")).content


def test_occupation_page(world):
    client = world.client_for(world.hr)
    response = client.get(reverse("onet:occupation", args=["11-2021.00"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Marketing Managers" in body and "Product Manager" in body
    assert "Add as competency" in body and reverse("onet:add", args=["2.A.1.c"]) in body
    assert ATTRIBUTION in response.content
    assert client.get(reverse("onet:occupation", args=["99-9999.99"])).status_code == 404
    assert (
        world.client_for(world.employee)
        .get(reverse("onet:occupation", args=["11-2021.00"]))
        .status_code
        == 403
    )


# --- add as competency -----------------------------------------------------------------


def _family(world: Any, *, publish: bool = False) -> FrameworkVersion:
    levels = [
        LevelData("P1", "Associate", 1),
        LevelData("P2", "Mid", 2),
        LevelData("P3", "Senior", 3),
        LevelData("P4", "Staff", 4, "ic"),
        LevelData("M4", "Manager", 4, "manager"),
        LevelData("P5", "Principal", 5, "ic"),
    ]
    fam = FamilyData(
        name="Product",
        levels=levels,
        competencies=[CompetencyData("Craft", statements={"P1": [StatementData("Writes specs")]})],
    )
    with scope(world.acme):
        version = apply_family_data(world.acme, fam, actor=world.owner)
        if publish:
            publish_draft(version, actor=world.owner, note="First")
    return version


def test_add_as_competency_without_an_occupation_drafts_nothing(world):
    draft = _family(world)
    with scope(world.acme):
        before = draft.revision
        comp = add_element_as_competency(draft, "2.A.1.c", actor=world.hr)
        assert comp.name == "Writing" and comp.source == "onet:2.A.1.c"
        assert comp.category is not None and comp.category.name == CATEGORY
        assert comp.description == data.get_element("2.A.1.c").description
        # O*NET's generic level examples (a guest's order, a novel) are never used
        assert not Statement.objects.filter(competency=comp).exists()
        draft.refresh_from_db()
        assert draft.revision == before + 1
        entry = AuditEntry.objects.get(action="framework.competency_added_from_onet")
        assert entry.data["element"] == "2.A.1.c" and entry.data["statements"] == 0
        # the same element twice is refused
        with pytest.raises(FrameworkError, match="already has a competency"):
            add_element_as_competency(draft, "2.A.1.c", actor=world.hr)
        # a second element joins the same category
        other = add_element_as_competency(draft, "2.C.1.a", actor=world.hr)
        assert other.category_id == comp.category_id


def _support(world: Any) -> FrameworkVersion:
    levels = [
        LevelData("S1", "Support Agent", 1),
        LevelData("S2", "Senior Support Agent", 2),
        LevelData("S3", "Support Lead", 3, "manager"),
    ]
    fam = FamilyData(
        name="Customer Support",
        levels=levels,
        competencies=[
            CompetencyData(
                "Tickets", statements={"S1": [StatementData("Answers tickets within a day.")]}
            )
        ],
    )
    with scope(world.acme):
        return apply_family_data(world.acme, fam, actor=world.owner)


def test_statements_come_only_from_an_occupation_that_fits_and_are_marked_drafts(world):
    """Issue 8: Service Orientation for a support team gets drafts from Customer Service
    Representatives' tasks, each marked and flagged until a person edits or accepts it;
    O*NET's examples ("a cup of coffee", "relief agency operations") never appear."""
    from frameworks import services as fw
    from frameworks.linter import UNREVIEWED_DRAFT, lint_version

    draft = _support(world)
    with scope(world.acme):
        comp = add_element_as_competency(
            draft, "2.B.1.f", actor=world.hr, occupation_code="43-4051.00"
        )
        rows = list(Statement.objects.filter(competency=comp).select_related("level"))
        assert {st.level.code for st in rows} == {"S1", "S2", "S3"}
        texts = " ".join(st.text for st in rows)
        assert "coffee" not in texts and "relief agency" not in texts
        assert texts.count("Confers with customers") == 1
        assert all("Customer Service Representatives (43-4051.00)" in st.draft_note for st in rows)
        flagged = [i for i in lint_version(draft).items if UNREVIEWED_DRAFT in i.result.codes]
        assert len(flagged) == 3
        # editing one and accepting another each clear the mark; undo brings it back
        s1 = next(st for st in rows if st.level.code == "S1")
        s2 = next(st for st in rows if st.level.code == "S2")
        draft.refresh_from_db()
        write_cell(
            draft,
            comp.uid,
            s1.level.uid,
            "Answers customers' questions about their orders by phone and chat.",
            actor=world.hr,
            revision=draft.revision,
        )
        draft.refresh_from_db()
        fw.accept_statement(draft, s2.uid, actor=world.hr, expected_revision=draft.revision)
        left = [i for i in lint_version(draft).items if UNREVIEWED_DRAFT in i.result.codes]
        assert [i.level_code for i in left] == ["S3"]
        draft.refresh_from_db()
        fw.undo_last_edit(draft, actor=world.hr, expected_revision=draft.revision)
        again = [i for i in lint_version(draft).items if UNREVIEWED_DRAFT in i.result.codes]
        assert sorted(i.level_code for i in again) == ["S2", "S3"]
        assert AuditEntry.objects.filter(action="framework.statement_accepted").exists()


def test_an_occupation_that_does_not_fit_the_family_is_refused(world):
    draft = _support(world)
    with scope(world.acme):
        with pytest.raises(FrameworkError, match="does not look like Customer Support"):
            add_element_as_competency(
                draft, "2.B.1.f", actor=world.hr, occupation_code="29-1141.00"
            )
        assert not Competency.objects.filter(version=draft, name="Service Orientation").exists()


def test_add_as_competency_refuses_a_published_version(world):
    published = _family(world, publish=True)
    with scope(world.acme):
        with pytest.raises(FrameworkError, match="Published versions"):
            add_element_as_competency(published, "2.A.1.c", actor=world.hr)
        assert not Competency.objects.filter(version=published, name="Writing").exists()


def test_add_to_family_starts_a_draft_when_needed(world):
    published = _family(world, publish=True)
    with scope(world.acme):
        comp = add_to_family(published.family, "2.A.1.c", actor=world.hr)
        assert comp.version.is_draft and comp.version.based_on_id == published.pk
        published.refresh_from_db()
        assert not Competency.objects.filter(version=published, name="Writing").exists()


def test_add_refuses_stale_revision_and_unknown_elements(world):
    draft = _family(world)
    with scope(world.acme):
        with pytest.raises(FrameworkError):
            add_element_as_competency(draft, "2.A.1.c", actor=world.hr, expected_revision=999)
        with pytest.raises(FrameworkError, match="does not exist"):
            add_element_as_competency(draft, "9.Z", actor=world.hr)


def test_add_page_flow(world):
    draft = _family(world)
    client = world.client_for(world.hr)
    url = reverse("onet:add", args=["2.A.1.c"])
    page = client.get(url, {"occupation": "11-2021.00"})
    assert page.status_code == 200
    assert b"Product" in page.content and b"What you will get" in page.content
    assert ATTRIBUTION in page.content
    missing = client.post(url, {"occupation": "11-2021.00"})
    assert b"Choose the job family" in missing.content
    response = client.post(url, {"family": draft.family.public_id, "occupation": "11-2021.00"})
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:editor", args=[draft.family.public_id])
    with scope(world.acme):
        assert Competency.objects.filter(version=draft, source="onet:2.A.1.c").exists()
    again = client.post(url, {"family": draft.family.public_id})
    assert b"already has a competency" in again.content
    assert client.get(reverse("onet:add", args=["nope"])).status_code == 404


def test_add_page_is_for_admins_and_own_families_only(world):
    draft = _family(world)
    url = reverse("onet:add", args=["2.A.1.c"])
    assert (
        world.client_for(world.employee).post(url, {"family": draft.family.public_id}).status_code
        == 403
    )
    outsider = world.client_for(world.outsider).post(url, {"family": draft.family.public_id})
    assert outsider.status_code == 200 and b"You have no job families yet" in outsider.content
    with scope(world.acme):
        assert not Competency.objects.filter(name="Writing").exists()


def test_onet_pages_use_few_queries(world, django_assert_max_num_queries):
    client = world.client_for(world.hr)
    client.get(reverse("onet:search"), {"q": "manager"})  # loads the data file once
    with django_assert_max_num_queries(12):
        assert client.get(reverse("onet:search"), {"q": "manager"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("onet:occupation", args=["11-2021.00"])).status_code == 200
    for i in range(3):
        _family_named(world, f"Family {i}")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("onet:add", args=["2.A.1.c"])).status_code == 200


def _family_named(world: Any, name: str) -> None:
    with scope(world.acme):
        apply_family_data(
            world.acme,
            FamilyData(name=name, levels=[LevelData("L1", "One", 1)]),
            actor=world.owner,
        )


def test_search_understands_short_forms_and_falls_back_to_closest_words():
    from onet import data

    matches, _ = data.search("HR Manager")
    assert matches[0].occupation.title == "Human Resources Managers"
    matches, total = data.search("HR Business Partner")
    assert total and matches[0].rank >= 4
    assert "Human Resources" in matches[0].occupation.title


def test_an_approximate_search_says_so(world):
    page = world.client_for(world.hr).get("/onet/?q=HR+Business+Partner").content.decode()
    assert "No occupation matches every word" in page
