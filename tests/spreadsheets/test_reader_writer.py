"""The Master Template reader, validator and writer, without the database: units for
each rule of the contract and a property-based round trip over generated frameworks."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from frameworks.limits import same_statement
from frameworks.models import EvidenceKind
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from spreadsheets.reader import read_workbook
from spreadsheets.safety import RefusedFile, check_workbook_bytes
from spreadsheets.validator import OrgContext, ParsedWorkbook, parse_workbook, statement_lines
from spreadsheets.writer import blank_template, build_workbook, example_family, matrix_safe


def book_bytes(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


FAMILIES = [["Family", "Key", "Description"], ["Design", "", "Makes things"]]
LEVELS = [
    ["Family", "Code", "Title", "Track", "Rank"],
    ["Design", "D1", "Designer", "Shared", 1],
    ["Design", "D2", "Senior Designer", "shared", 2],
    ["Design", "D3", "Staff Designer", "IC", 3],
    ["Design", "DM", "Design Manager", "MANAGER", 3],
]


def parse(sheets, merges=None, context=None) -> ParsedWorkbook:
    return parse_workbook(read_workbook(book_bytes(sheets, merges)), context)


def design_book(levels: list[list[Any]] = LEVELS, **sheets: list[list[Any]]) -> dict[str, Any]:
    """A workbook's sheets: the Design family, its `levels`, and `sheets` by name."""
    return {"Families": FAMILIES, "Levels": levels, **sheets}


def messages(result: ParsedWorkbook) -> list[str]:
    return [str(p) for p in result.problems]


# --- reading ----------------------------------------------------------------------------


def test_a_minimal_matrix_workbook_imports():
    result = parse(
        design_book(
            Design=[
                ["Competency", "Category", "D1", "Senior Designer", "D3", "DM"],
                ["Craft", "Making", "• Sketches\n• Prototypes", "- Runs critiques", None, "Hires"],
            ],
        )
    )
    assert result.ok, messages(result)
    (family,) = result.families
    assert family.key == "design"
    assert [lv.code for lv in family.levels] == ["D1", "D2", "D3", "DM"]
    assert [lv.track for lv in family.levels] == ["shared", "shared", "ic", "manager"]
    craft = family.competencies[0]
    assert craft.category == "Making"
    assert {k: [s.text for s in v] for k, v in craft.statements.items()} == {
        "D1": ["Sketches", "Prototypes"],
        "D2": ["Runs critiques"],
        "DM": ["Hires"],
    }
    assert result.shapes == {"Design": "matrix"}


def test_sheet_names_and_headers_match_in_any_case_and_spacing():
    result = parse(
        {
            "  families ": [["  FAMILY ", "key"], ["Design"]],
            "LEVELS": [
                ["family", "code", "TITLE", "track", "Rank"],
                ["design", "D1", "D", "IC", 1],
            ],
            "DESIGN": [["competency", "d"], ["Craft", "Makes"]],
        }
    )
    assert result.ok, messages(result)
    assert result.families[0].competencies[0].statements["D1"][0].text == "Makes"


def test_matrix_headings_may_combine_code_and_title():
    result = parse(
        design_book(
            Design=[
                ["Competency", "D1 – Designer", "Senior Designer (D2)", "D3\nStaff", "DM: lead"],
                ["Craft", "a", "b", "c", "d"],
            ],
        )
    )
    assert result.ok, messages(result)
    assert list(result.families[0].competencies[0].statements) == ["D1", "D2", "D3", "DM"]


def test_common_other_headings_are_understood():
    result = parse(
        {
            "Families": [["Job family"], ["Design"]],
            "Levels": [
                ["Job family", "Level code", "Level title", "Track", "Rank"],
                ["Design", "D1", "Designer", "IC", 1],
            ],
            "People": [
                ["Email address", "Full name", "Job family", "Level code"],
                ["ann@example.com", "Ann", "Design", "D1"],
            ],
        }
    )
    assert result.ok, messages(result)
    assert result.people[0].level == "D1"


def test_bullets_numbering_and_blank_lines_are_stripped():
    cell = "• one\n\n* two\n- three\n– four\n1. five\n2) six\n  -minus stays  \n"
    assert statement_lines(cell) == ["one", "two", "three", "four", "five", "six", "-minus stays"]


def test_formulas_are_never_evaluated_and_formula_like_text_stays_text():
    result = parse(
        design_book(
            levels=LEVELS[:2],
            Design=[["Competency", "D1"], ["Craft", "=1+1"], ["Sums", "=SUM(A1:A3)"]],
        )
    )
    assert result.ok, messages(result)
    texts = [c.statements["D1"][0].text for c in result.families[0].competencies]
    assert texts == ["=1+1", "=SUM(A1:A3)"]


def test_merged_cells_fill_down_but_not_across():
    result = parse(
        design_book(
            Design=[
                ["Category", "Competency", "D1", "D2", "D3"],
                ["Making", "Craft", "Sketches", None, None],
                [None, "Critique", "Listens", None, None],
                ["Leading", "Mentoring", None, "Coaches juniors", None],
            ],
        ),
        merges={"Design": ["A2:A3", "D4:E4"]},
    )
    assert result.ok, messages(result)
    comps = {c.name: c for c in result.families[0].competencies}
    assert comps["Critique"].category == "Making"
    assert list(comps["Mentoring"].statements) == ["D2"]


def test_trailing_blank_rows_columns_unknown_sheets_and_columns_are_ignored_and_said():
    result = parse(
        {
            "Families": [["Family", "Owner"], ["Design", "Ann"], [None], [None, None]],
            "Levels": LEVELS[:2],
            "Design": [["Competency", "D1", "Notes", None], ["Craft", "Makes", "keep", None]],
            "Scratch": [["anything"]],
        }
    )
    assert result.ok, messages(result)
    joined = " ".join(result.notes)
    assert "“Owner”" in joined and "“Notes”" in joined and "“Scratch”" in joined


def test_a_stray_cell_far_to_the_right_or_below_costs_nothing():
    book = Workbook()
    book.remove(book.active)
    for name, rows in {"Families": FAMILIES, "Levels": LEVELS[:2]}.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book["Families"]["XFD1"] = "stray"
    book["Families"].cell(row=15000, column=200).font = openpyxl.styles.Font(bold=True)
    buf = io.BytesIO()
    book.save(buf)
    result = parse_workbook(read_workbook(buf.getvalue()))
    assert result.ok, messages(result)
    assert any("right of column KN on the Families sheet" in n for n in result.notes)


def test_a_title_row_above_the_headers_is_skipped():
    result = parse(
        {
            "Families": [["Our job families"], [], ["Family"], ["Design"]],
            "Levels": LEVELS[:2],
        }
    )
    assert result.ok, messages(result)
    assert result.families[0].name == "Design"


def test_long_form_with_evidence_and_level_titles():
    result = parse(
        design_book(
            Statements=[
                ["Family", "Competency", "Category", "Level", "Statement", "Evidence"],
                ["design", "Craft", "Making", "senior designer", "Leads critiques", "360 input"],
                ["Design", "Craft", "", "D1", "Sketches", "Written artifact; metric"],
                ["Design", "Research", "", "", "", ""],
            ],
        )
    )
    assert result.ok, messages(result)
    craft, research = result.families[0].competencies
    assert list(craft.statements) == ["D1", "D2"]  # in level order
    assert craft.statements["D1"][0].evidence == ["written_artifact", "metric"]
    assert craft.statements["D2"][0].evidence == ["360_input"]
    assert research.statements == {}


def test_people_rows_with_dates_in_every_form_and_emails_in_any_case():
    serial = (dt.date(2021, 6, 1) - dt.date(1899, 12, 30)).days
    result = parse(
        design_book(
            People=[
                ["E-mail", "Name", "Manager e-mail", "Family", "Level", "Start date"],
                ["Ann@Example.COM", "Ann", "", "Design", "Staff Designer", dt.datetime(2020, 1, 2)],
                ["bob@example.com", "Bob", "ANN@example.com", "design", "d1", serial],
                ["cy@example.com", "Cy", "ann@example.com", "Design", "D2", "2022-03-04"],
            ],
        )
    )
    assert result.ok, messages(result)
    ann, bob, cy = result.people
    assert (ann.email, ann.level, ann.start_date) == ("ann@example.com", "D3", dt.date(2020, 1, 2))
    assert (bob.manager_email, bob.level, bob.start_date) == (
        "ann@example.com",
        "D1",
        dt.date(2021, 6, 1),
    )
    assert cy.start_date == dt.date(2022, 3, 4)


def test_people_may_name_existing_people_and_families_of_the_organization():
    context = OrgContext(
        families=[],
        people_emails={"boss@example.com"},
    )
    from spreadsheets.validator import ExistingFamily

    context.families.append(ExistingFamily("Sales", "sales", {"S1": "Seller"}))
    result = parse(
        design_book(
            levels=LEVELS[:2],
            People=[
                ["Email", "Name", "Manager email", "Family", "Level"],
                ["ann@example.com", "Ann", "boss@example.com", "Sales", "seller"],
            ],
        ),
        context=context,
    )
    assert result.ok, messages(result)
    assert result.people[0].level == "S1"


def test_every_problem_is_reported_at_once_with_sheet_row_and_column():
    result = parse(
        {
            "Families": [["Family"], ["Design"], ["Design"]],
            "Levels": [
                ["Family", "Code", "Title", "Track", "Rank"],
                ["Design", "D1", "Designer", "Principal", 1],
                ["Design", "D2", "Senior", "IC", "2.5"],
                ["Legal", "L1", "Lawyer", "IC", 1],
            ],
            "People": [
                ["Email", "Name", "Family", "Level", "Start date"],
                ["nope", "", "Design", "D1", "soon"],
            ],
        }
    )
    found = {(p.sheet, p.row, p.column) for p in result.problems}
    assert {
        ("Families", 3, "Family"),
        ("Levels", 2, "Track"),
        ("Levels", 3, "Rank"),
        ("Levels", 4, "Family"),
        ("People", 2, "Email"),
        ("People", 2, "Name"),
        ("People", 2, "Start date"),
    } <= found
    cells = {p.cell for p in result.problems}
    assert {"A3", "D2", "E3", "A4"} <= cells


def test_levels_share_a_rank_only_across_ic_and_manager():
    rows = [*LEVELS, ["Design", "D4", "Lead Designer", "IC", 3]]
    result = parse({"Families": FAMILIES, "Levels": rows})
    assert any("Rank 3 is already used" in m for m in messages(result))


# --- safety -----------------------------------------------------------------------------


def test_refuses_what_is_not_a_plain_xlsx(settings):
    good = blank_template()
    check_workbook_bytes(good)  # the template itself passes
    settings.IMPORT_MAX_BYTES = len(good) - 1
    with pytest.raises(RefusedFile, match="limit"):
        check_workbook_bytes(good)


def test_row_and_sheet_limits_are_read_before_parsing(settings):
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(RefusedFile, match="more than 10 rows"):
        read_workbook(blank_template())
    settings.IMPORT_MAX_ROWS = 20000
    settings.IMPORT_MAX_SHEETS = 3
    with pytest.raises(RefusedFile, match="at most 3"):
        read_workbook(blank_template())


def test_uncompressed_size_limit(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    with pytest.raises(RefusedFile, match="expand"):
        check_workbook_bytes(blank_template())


# --- writing ------------------------------------------------------------------------------


def test_blank_template_explains_itself():
    book = openpyxl.load_workbook(io.BytesIO(blank_template()))
    assert book.sheetnames == [
        "Instructions",
        "Families",
        "Levels",
        "Product Management",
        "Statements",
        "People",
    ]
    levels = book["Levels"]
    assert levels.freeze_panes == "C2"
    assert book["Families"].freeze_panes == "A2"
    assert levels.column_dimensions["C"].width >= 20
    matrix = book["Product Management"]
    assert matrix.freeze_panes == "B3"  # level titles and headings stay in view
    assert matrix["E1"].value == "Associate Product Manager · Shared"
    assert matrix["E2"].value == "APM"
    lists = [dv.formula1 for dv in levels.data_validations.dataValidation]
    assert '"Shared,IC,Manager"' in lists
    assert any("Families" in (f or "") for f in lists)
    assert "Instructions" in book.sheetnames and book["Instructions"]["A1"].value
    # the example rows import cleanly
    result = parse_workbook(read_workbook(blank_template()))
    assert result.ok and result.families == [example_family()]
    assert len(result.people) == 2


def test_export_escapes_text_that_would_start_a_formula():
    family = example_family()
    family.competencies[0].statements["APM"] = [
        StatementData('=HYPERLINK("http://x")'),
        StatementData("+1 to others' ideas"),
        StatementData("@mentions the team"),
    ]
    data = build_workbook([family], None)
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets"))
    assert b"<f>" not in sheets  # no formula cell anywhere
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = next(
        c
        for row in book["Product Management"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")
    )
    assert cell.data_type == "s" and cell.quotePrefix
    result = parse_workbook(read_workbook(data))
    assert result.families[0] == family


def test_families_that_a_matrix_cannot_hold_go_to_the_long_sheet():
    family = example_family()
    assert matrix_safe(family)
    family.competencies[0].statements["PM"][0].evidence = [EvidenceKind.METRIC.value]
    assert not matrix_safe(family)
    result = parse_workbook(read_workbook(build_workbook([family], None)))
    assert result.shapes == {"Product Management": "long"}
    assert result.families == [family]


# --- round trip: any framework survives export → import -------------------------------------

WORD = st.text(
    alphabet=st.characters(categories=["L", "N"], include_characters="'&.()/"),
    min_size=1,
    max_size=8,
)
NAME = st.lists(WORD, min_size=1, max_size=4).map(" ".join).filter(lambda s: len(s) <= 60)
TEXT_CHARS = st.characters(
    exclude_categories=["Cs", "Cc", "Cn", "Co", "Zl", "Zp"], include_characters="\n"
)
LINE = st.text(alphabet=TEXT_CHARS.filter(lambda c: c != "\n"), min_size=1, max_size=60)
PARA = st.text(alphabet=TEXT_CHARS, max_size=120).map(str.strip)
STATEMENT = (
    st.one_of(
        LINE,
        PARA,
        st.sampled_from(["=", "+", "-", "@", "• ", "- ", "1. "]).flatmap(
            lambda p: LINE.map(lambda s: p + s)
        ),
    )
    .map(str.strip)
    .filter(bool)
)
KEY = st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
RESERVED = {"competency", "category", "description", "source"}


def unique_by(items: list[str]) -> bool:
    folded = [" ".join(i.split()).casefold() for i in items]
    return len(set(folded)) == len(folded)


@st.composite
def families(draw: st.DrawFn) -> FamilyData:
    n_shared = draw(st.integers(0, 3))
    n_ic = draw(st.integers(0 if n_shared else 1, 3))
    n_mgr = draw(st.integers(0, 2))
    count = n_shared + n_ic + n_mgr
    refs = draw(
        st.lists(
            st.tuples(
                st.from_regex(r"[A-Z]{1,3}[0-9]{0,2}|[ÄÖÜÉ][a-zé]{1,4}", fullmatch=True), NAME
            ),
            min_size=count,
            max_size=count,
        ).filter(
            lambda pairs: (
                unique_by([r for p in pairs for r in p])
                and not {" ".join(r.split()).casefold() for p in pairs for r in p} & RESERVED
            )
        )
    )
    shapes = (
        [("shared", i + 1) for i in range(n_shared)]
        + [("ic", n_shared + 1 + i) for i in range(n_ic)]
        + [("manager", n_shared + 1 + i) for i in range(n_mgr)]
    )
    levels = [
        LevelData(
            code=code,
            title=title,
            rank=rank,
            track=track,
            scope=draw(st.one_of(st.just(""), NAME)),
            summary=draw(PARA),
            key_question=draw(st.one_of(st.just(""), PARA)),
        )
        for (code, title), (track, rank) in zip(refs, shapes, strict=True)
    ]
    levels.sort(key=lambda lv: (lv.rank, lv.track == "manager"))
    names = draw(st.lists(NAME, max_size=5).filter(unique_by))
    categories = draw(st.lists(NAME, min_size=1, max_size=3))
    competencies = []
    for name in names:
        statements = {}
        for lv in levels:
            items = draw(
                st.lists(
                    st.builds(
                        StatementData,
                        STATEMENT,
                        st.lists(st.sampled_from(EvidenceKind.values), max_size=2),
                    ),
                    max_size=2,
                    # the same statement twice in a cell is refused (frameworks.limits)
                    unique_by=lambda st_: same_statement(" ".join(statement_lines(st_.text))),
                )
            )
            if items:
                statements[lv.code] = items
        competencies.append(
            CompetencyData(
                name=name,
                category=draw(st.sampled_from(["", *categories])),
                description=draw(st.one_of(st.just(""), PARA)),
                statements=statements,
                source=draw(st.sampled_from(["", "onet:2.B.1.a", "template:product"])),
            )
        )
    plain = draw(st.booleans())  # half the time: no evidence, so the matrix sheet is used
    if plain:
        for c in competencies:
            for items in c.statements.values():
                for s in items:
                    s.evidence = []
    return FamilyData(
        name=draw(NAME),
        key=draw(KEY),
        description=draw(PARA),
        levels=levels,
        competencies=competencies,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.lists(families(), min_size=1, max_size=3))
def test_round_trip_export_then_import_gives_back_the_same_frameworks(data):
    names = [f.name for f in data]
    keys = [f.key for f in data]
    assume(unique_by(names) and len(set(keys)) == len(keys))
    workbook = build_workbook(data, None)
    result = parse_workbook(read_workbook(workbook))
    assert result.ok, messages(result)
    assert result.families == data


def test_round_trip_keeps_unicode_and_multi_line_statements():
    family = example_family()
    family.name = "Ingeniería & Δεδομένα"
    family.key = "ingenieria"
    family.competencies[0].statements["APM"] = [
        StatementData("Écrit des notes claires.\nPartage-les avec l'équipe 🚀"),
        StatementData("日本語の文書を書く", [EvidenceKind.WRITTEN_ARTIFACT.value]),
    ]
    result = parse_workbook(read_workbook(build_workbook([family], None)))
    assert result.ok, messages(result)
    assert result.families == [family]


def test_a_long_family_name_gets_a_shortened_sheet_that_still_matches():
    family = example_family()
    family.name = "Software Development Engineer in Test: Platform/Infra"
    data = build_workbook([family], None)
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    sheet = next(n for n in names if n.startswith("Software"))
    assert len(sheet) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet)
    result = parse_workbook(read_workbook(data))
    assert result.shapes == {family.name: "matrix"}
    assert result.families == [family]
