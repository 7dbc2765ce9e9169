"""The statement linter: each flag, neighbours along track lines, whole-version reports,
the two commands, the as-you-type endpoint and the report page."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from frameworks.linter import (
    NOT_BEHAVIORAL,
    NOT_EVIDENCE_ANCHORED,
    NOT_LEVEL_SPECIFIC,
    OFF_TOPIC,
    UNREVIEWED_DRAFT,
    Neighbour,
    adjacent_levels,
    lint_family_data,
    lint_statement,
    lint_version,
    similarity,
)
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from frameworks.services import apply_family_data, publish_draft
from tests.framework_fixtures import big_family

GOOD = "Writes a one-page brief for each feature that the team reviews before the sprint starts"


# --- single statements ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Makes good prioritization decisions",
        "Is a strong communicator",
        "Has excellent judgement",
        "Is proactive",
        "Understands the business model",
        "Communicates well",
    ],
)
def test_traits_and_vague_judgements_are_not_behavioral(text: str):
    result = lint_statement(text)
    assert NOT_BEHAVIORAL in result.codes
    flag = next(f for f in result.flags if f.code == NOT_BEHAVIORAL)
    assert flag.message and flag.suggestion
    assert result.score < 70


def test_a_concrete_statement_is_clean():
    result = lint_statement(GOOD)
    assert result.flags == [] and result.ok
    assert result.score == 100


def test_the_trait_is_quoted_as_written():
    flag = lint_statement("Is a Strong Communicator").flags[0]
    assert "“Is a Strong Communicator”" in flag.message


def test_nothing_observable_without_evidence_is_flagged_and_evidence_clears_it():
    assert lint_statement("Builds relationships").codes == [NOT_EVIDENCE_ANCHORED]
    assert lint_statement("Builds relationships", evidence=["360_input"]).codes == []
    # an unknown evidence kind does not count
    assert lint_statement("Builds relationships", evidence=["vibes"]).codes == [
        NOT_EVIDENCE_ANCHORED
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Closes the books within five working days of month end",
        "Presents the roadmap to the leadership team each quarter",
        "Hits 100% of quota",
    ],
)
def test_artifacts_audiences_and_numbers_anchor_a_statement(text: str):
    assert NOT_EVIDENCE_ANCHORED not in lint_statement(text).codes


def test_a_vague_word_is_let_off_when_the_statement_is_concrete():
    text = "Writes clear release notes for customers and the support team before each launch"
    assert lint_statement(text).codes == []
    assert lint_statement("Writes good code").codes == [NOT_BEHAVIORAL]


def test_trait_words_only_count_as_the_statement_s_own_verb():
    text = "Structures the team so that every area has clear ownership, and writes the plan"
    assert NOT_BEHAVIORAL not in lint_statement(text).codes


def test_identical_or_near_identical_neighbours_are_not_level_specific():
    same = lint_statement(GOOD, neighbours=[GOOD])
    assert NOT_LEVEL_SPECIFIC in same.codes
    assert "same as the statement" in same.flags[-1].message
    degree = lint_statement(
        "Always writes clear specs for features",
        neighbours=[Neighbour("Writes clear specs for features", "P2 Product Manager")],
    )
    assert NOT_LEVEL_SPECIFIC in degree.codes
    assert "at P2 Product Manager" in degree.flags[-1].message


def test_a_real_step_up_is_level_specific():
    result = lint_statement(
        "Writes the strategy for a product line that several teams use to plan their quarter",
        neighbours=["Writes a one-page brief for a feature that the team uses to plan a sprint"],
    )
    assert result.codes == []


def test_similarity_bounds():
    assert similarity(GOOD, GOOD) == 1.0
    assert similarity(GOOD, "Reconciles the bank accounts every month") < 0.3
    assert similarity("Writes specs", "Consistently writes specs") == 1.0


def test_score_falls_with_each_flag():
    one = lint_statement("Builds relationships").score
    two = lint_statement("Is proactive").score
    three = lint_statement("Is proactive", neighbours=["Is proactive"]).score
    assert 100 > one > two > three >= 0


# --- whole ladders -------------------------------------------------------------------------


def _ladder() -> FamilyData:
    """A trunk (T1, T2) that splits into IC (IC3) and Manager (M3)."""
    levels = [
        LevelData("T1", "Associate", 1, "shared"),
        LevelData("T2", "Mid", 2, "shared"),
        LevelData("IC3", "Senior", 3, "ic"),
        LevelData("M3", "Manager", 3, "manager"),
    ]
    same = "Writes the weekly status report for the team"
    return FamilyData(
        name="Ops",
        levels=levels,
        competencies=[
            CompetencyData(
                "Reporting",
                statements={
                    "T1": [StatementData("Is organized")],
                    "T2": [StatementData(same)],
                    "IC3": [StatementData(same, ["written_artifact"])],
                    "M3": [StatementData("Coaches two team leads on their reports monthly")],
                },
            )
        ],
    )


def test_adjacent_levels_follow_track_lines():
    levels = _ladder().levels
    nearby = {code: sorted(lv.code for lv in lvs) for code, lvs in adjacent_levels(levels).items()}
    assert nearby == {
        "T1": ["T2"],
        "T2": ["IC3", "M3", "T1"],
        "IC3": ["T2"],
        "M3": ["T2"],
    }


def test_lint_family_data_scores_and_groups():
    report = lint_family_data(_ladder())
    codes = {item.level_code: item.result.codes for item in report.items}
    assert codes["T1"] == [NOT_BEHAVIORAL, NOT_EVIDENCE_ANCHORED]
    assert codes["T2"] == [NOT_LEVEL_SPECIFIC]
    assert codes["IC3"] == [NOT_LEVEL_SPECIFIC]
    assert codes["M3"] == []
    counts = report.counts()
    assert counts == {
        "statements": 4,
        "flagged": 3,
        NOT_BEHAVIORAL: 1,
        NOT_LEVEL_SPECIFIC: 2,
        NOT_EVIDENCE_ANCHORED: 1,
        OFF_TOPIC: 0,
        UNREVIEWED_DRAFT: 0,
    }
    assert report.score == round(sum(i.result.score for i in report.items) / 4)
    assert [code for code, _label, _items in report.by_flag()] == [
        NOT_BEHAVIORAL,
        NOT_LEVEL_SPECIFIC,
        NOT_EVIDENCE_ANCHORED,
    ]


def test_identical_statements_at_distant_levels_are_caught():
    data = _ladder()
    data.competencies[0].statements["T1"] = [StatementData("Coaches two team leads monthly")]
    data.competencies[0].statements["T2"] = [StatementData("Writes the team's status report")]
    data.competencies[0].statements["IC3"] = [StatementData("Coaches two team leads monthly")]
    report = lint_family_data(data)
    flagged = {i.level_code for i in report.items if NOT_LEVEL_SPECIFIC in i.result.codes}
    assert flagged == {"T1", "IC3"}


def test_empty_ladder_has_no_score():
    assert lint_family_data(FamilyData(name="Empty")).score is None


def test_lint_version_reads_a_big_version_in_few_queries(
    acme_scope, world, django_assert_max_num_queries
):
    draft = apply_family_data(acme_scope, big_family(), actor=world.owner)
    with django_assert_max_num_queries(6):
        report = lint_version(draft)
    assert report.counts()["statements"] > 100


# --- commands ------------------------------------------------------------------------------


def test_lint_statements_command_prints_json_lines():
    out = io.StringIO()
    call_command(
        "lint_statements", stdin=io.StringIO(f"Is a strong communicator\n\n{GOOD}\n"), stdout=out
    )
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["statement"] for r in rows] == ["Is a strong communicator", GOOD]
    assert rows[1] == {"statement": GOOD, "score": 100, "flags": []}
    assert {f["code"] for f in rows[0]["flags"]} == {NOT_BEHAVIORAL, NOT_EVIDENCE_ANCHORED}
    assert all(f["message"] and f["suggestion"] for f in rows[0]["flags"])
    assert rows[0]["score"] < 50


def test_lint_framework_command_uses_published_else_draft(world):
    from organizations.scoping import scope

    with scope(world.acme):
        published = apply_family_data(world.acme, _ladder(), actor=world.owner)
        publish_draft(published, actor=world.owner, note="First")
        other = FamilyData(
            name="Draft only",
            levels=[LevelData("L1", "One", 1)],
            competencies=[CompetencyData("Craft", statements={"L1": [StatementData(GOOD)]})],
        )
        apply_family_data(world.acme, other, actor=world.owner)
    out, err = io.StringIO(), io.StringIO()
    call_command("lint_framework", "--org", "acme", stdout=out, stderr=err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {(r["family"], r["level"]) for r in rows} == {
        ("Ops", "T1"),
        ("Ops", "T2"),
        ("Ops", "IC3"),
        ("Ops", "M3"),
        ("Draft only", "L1"),
    }
    assert all(
        {"family", "level", "competency", "statement", "score", "flags"} <= set(r) for r in rows
    )
    assert "Ops (v1): score" in err.getvalue()
    with pytest.raises(Exception, match="No organization"):
        call_command("lint_framework", "--org", "nope")


# --- endpoint and report -------------------------------------------------------------------


@pytest.fixture
def ladder(world: Any) -> Any:
    from organizations.scoping import scope

    with scope(world.acme):
        return apply_family_data(world.acme, _ladder(), actor=world.owner)


def _uids(version: Any) -> dict[str, Any]:
    from frameworks.models import Competency, Level

    return {
        "competency": Competency.objects.get(version=version).uid,
        **{lv.code: lv.uid for lv in Level.objects.filter(version=version)},
    }


@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("hr", 200), ("manager", 403), ("employee", 403)]
)
def test_lint_endpoint_by_persona(world, persona: str, status: int):
    client = world.client_for(getattr(world, persona))
    response = client.post(reverse("frameworks:lint"), {"text": "Is proactive"})
    assert response.status_code == status
    if status == 200:
        assert b"Describes a trait, not behaviour" in response.content


def test_lint_endpoint_refuses_get(world):
    assert world.client_for(world.hr).get(reverse("frameworks:lint")).status_code == 405


def test_lint_endpoint_says_looks_good_and_lints_each_line(world):
    client = world.client_for(world.hr)
    ok = client.post(reverse("frameworks:lint"), {"text": GOOD, "evidence": ["written_artifact"]})
    assert b"Looks good" in ok.content
    two = client.post(reverse("frameworks:lint"), {"text": f"{GOOD}\nIs proactive"})
    assert b"Looks good" in two.content and b"Describes a trait" in two.content
    empty = client.post(reverse("frameworks:lint"), {"text": "  "})
    assert b"Write a statement" in empty.content


def test_lint_endpoint_finds_neighbours_in_the_version(world, ladder):
    with_scope = _scoped_uids(world, ladder)
    response = world.client_for(world.hr).post(
        reverse("frameworks:lint"),
        {
            "text": "Writes the weekly status report for the team",
            "version": ladder.public_id,
            "competency": with_scope["competency"],
            "level": with_scope["IC3"],
        },
    )
    assert b"Same as the next level" in response.content
    assert b"T2 Mid" in response.content


def _scoped_uids(world: Any, version: Any) -> dict[str, Any]:
    from organizations.scoping import scope

    with scope(world.acme):
        return _uids(version)


def test_lint_endpoint_hides_other_organizations_versions(world, ladder):
    response = world.client_for(world.outsider).post(
        reverse("frameworks:lint"), {"text": GOOD, "version": ladder.public_id}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("hr", 200), ("manager", 403), ("employee", 403)]
)
def test_lint_report_by_persona(world, ladder, persona: str, status: int):
    url = reverse("frameworks:lint_report", args=[ladder.public_id])
    assert world.client_for(getattr(world, persona)).get(url).status_code == status


def test_lint_report_shows_score_groups_and_cell_links(world, ladder):
    uids = _scoped_uids(world, ladder)
    url = reverse("frameworks:lint_report", args=[ladder.public_id])
    body = world.client_for(world.hr).get(url).content.decode()
    report_score = lint_family_data(_ladder()).score
    assert f"{report_score}<span" in body
    for label in (
        "Describes a trait, not behaviour",
        "Same as the next level",
        "Nothing to observe",
    ):
        assert label in body
    assert f"#cell-{uids['competency']}-{uids['T1']}" in body
    assert "Is organized" in body
    assert world.client_for(world.outsider).get(url).status_code == 404


def test_lint_report_query_count_does_not_grow(world, django_assert_max_num_queries):
    from organizations.scoping import scope

    with scope(world.acme):
        draft = apply_family_data(world.acme, big_family(), actor=world.owner)
    client = world.client_for(world.hr)
    url = reverse("frameworks:lint_report", args=[draft.public_id])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200


def test_lint_report_empty_state(world):
    from frameworks.services import create_family, start_draft
    from organizations.scoping import scope

    with scope(world.acme):
        family = create_family(world.acme, name="Blank", actor=world.owner)
        draft = start_draft(family, actor=world.owner)
    body = world.client_for(world.hr).get(reverse("frameworks:lint_report", args=[draft.public_id]))
    assert b"No statements to check yet" in body.content
