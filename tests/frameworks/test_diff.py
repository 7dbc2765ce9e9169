"""The diff between two versions matches levels and competencies by uid."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frameworks import services
from frameworks.diff import ADDED, CHANGED, REMOVED, diff_data, diff_versions
from frameworks.models import Competency, Level
from tests.framework_fixtures import cell, small_family, write_cell

pytestmark = pytest.mark.django_db


def rev(draft):
    draft.refresh_from_db()
    return draft.revision


def test_identical_versions_have_no_changes(v1, world):
    draft = services.start_draft(v1.family, actor=world.hr)
    result = diff_versions(v1, draft)
    assert result.is_empty
    assert result.summary == {ADDED: 0, CHANGED: 0, REMOVED: 0}


def test_added_changed_and_removed(v1, world):
    hr = world.hr
    draft = services.start_draft(v1.family, actor=hr)
    pm3 = Level.objects.get(version=draft, code="PM3")
    prio = Competency.objects.get(version=draft, name="Prioritization")
    comm = Competency.objects.get(version=draft, name="Communication")
    # a renamed level is "changed", matched by uid, not removed + added
    services.update_level(
        draft,
        pm3.uid,
        actor=hr,
        expected_revision=rev(draft),
        code="SPM",
        title="Senior Product Manager",
    )
    services.remove_level(
        draft,
        Level.objects.get(version=draft, code="GPM").uid,
        actor=hr,
        expected_revision=rev(draft),
    )
    services.add_level(
        draft,
        actor=hr,
        expected_revision=rev(draft),
        code="PM5",
        title="Principal PM",
        rank=5,
        track="ic",
    )
    services.update_competency(
        draft, comm.uid, name="Written communication", actor=hr, expected_revision=rev(draft)
    )
    services.add_competency(draft, name="Delivery", actor=hr, expected_revision=rev(draft))
    write_cell(
        draft,
        prio.uid,
        pm3.uid,
        "Ranks the roadmap and explains trade-offs to leadership.",
        actor=hr,
        revision=rev(draft),
    )
    write_cell(
        draft,
        comm.uid,
        Level.objects.get(version=draft, code="PM1").uid,
        "",
        actor=hr,
        revision=rev(draft),
    )
    write_cell(
        draft, comm.uid, pm3.uid, "Presents the quarterly review.", actor=hr, revision=rev(draft)
    )
    v2 = services.publish_draft(draft, actor=hr, note="v2")

    result = diff_versions(v1, v2)
    levels = {(c.kind, c.name) for c in result.levels}
    assert levels == {
        (CHANGED, "SPM Senior Product Manager"),
        (REMOVED, "GPM Group PM"),
        (ADDED, "PM5 Principal PM"),
    }
    changed = next(c for c in result.levels if c.kind == CHANGED)
    assert [(f.label, f.before, f.after) for f in changed.fields] == [
        ("Code", "PM3", "SPM"),
        ("Title", "Senior PM", "Senior Product Manager"),
    ]
    comps = {(c.kind, c.name) for c in result.competencies}
    assert comps == {(CHANGED, "Written communication"), (ADDED, "Delivery")}
    cells = {(c.kind, c.competency, c.level): (c.before, c.after) for c in result.statements}
    assert cells[(CHANGED, "Prioritization", "SPM")] == (
        "Ranks the product area roadmap with a documented method.",
        "Ranks the roadmap and explains trade-offs to leadership.",
    )
    assert cells[(REMOVED, "Written communication", "PM1")] == ("Writes clear tickets.", "")
    assert cells[(ADDED, "Written communication", "SPM")] == ("", "Presents the quarterly review.")
    # the removed level's statements show as removed
    assert cells[(REMOVED, "Prioritization", "GPM")] == ("Coaches PMs to rank their roadmaps.", "")
    assert len(result.statements) == 4
    # and the other way round, everything flips
    back = diff_versions(v2, v1)
    assert back.summary == {
        ADDED: result.summary[REMOVED],
        CHANGED: result.summary[CHANGED],
        REMOVED: result.summary[ADDED],
    }


def two_small_families(statement_uids: bool = False):
    """Two copies of the small ladder whose levels and competencies (and statements, when
    asked) have the same uids, as two versions of one ladder do."""
    a, b = small_family(), small_family()
    for data in (a, b):
        for n, lv in enumerate(data.levels):
            lv.uid = f"L{n}"
        for n, c in enumerate(data.competencies):
            c.uid = f"C{n}"
            if statement_uids:
                for code, items in c.statements.items():
                    for m, st in enumerate(items):
                        st.uid = f"S{n}{code}{m}"
    return a, b


def test_diff_data_without_database():
    a, b = two_small_families()
    b.competencies[1].statements["PM2"][0].text = "Writes a weekly update for leadership."
    levels, comps, statements = diff_data(a, b)
    assert not levels and not comps
    assert [(s.kind, s.level, s.before, s.after) for s in statements] == [
        (
            CHANGED,
            "PM2",
            "Writes a weekly update for the team.",
            "Writes a weekly update for leadership.",
        ),
    ]
    assert [(w.op, w.text) for w in statements[0].words] == [
        ("same", "Writes a weekly update for"),
        ("del", "the team."),
        ("ins", "leadership."),
    ]


def test_a_cell_with_one_changed_statement_shows_only_that_statement(v1, world):
    """Issue 8, fix 3: unchanged statements of a changed cell never show as struck out
    and re-added; the changed one shows once, word by word; a moved one says so."""
    draft = services.start_draft(v1.family, actor=world.hr)
    prio, pm3 = cell(draft, "Prioritization", "PM3")

    def write(draft, second):
        first = "Ranks the product area roadmap with a documented method."
        write_cell(
            draft,
            prio.uid,
            pm3.uid,
            first,
            second,
            actor=world.hr,
            revision=rev(draft),
            evidence=["decision_record"],
        )

    write(draft, "Writes down why the top three items come first.")
    v2 = services.publish_draft(draft, actor=world.hr, note="v2")
    draft = services.start_draft(v1.family, actor=world.hr)
    write(draft, "Writes down why the top five items come first.")
    result = diff_versions(v2, draft)
    assert [(c.kind, c.before, c.after) for c in result.statements] == [
        (
            CHANGED,
            "Writes down why the top three items come first.",
            "Writes down why the top five items come first.",
        )
    ]
    assert [(w.op, w.text) for w in result.statements[0].words] == [
        ("same", "Writes down why the top"),
        ("del", "three"),
        ("ins", "five"),
        ("same", "items come first."),
    ]
    url = reverse("frameworks:diff", args=[v1.family.public_id])
    body = world.client_for(world.hr).get(url, {"a": v2.public_id, "b": draft.public_id})
    text = body.content.decode()
    assert '<del><span class="visually-hidden">deleted: </span>three</del>' in text
    assert '<ins><span class="visually-hidden">inserted: </span>five</ins>' in text
    # the unchanged statement of the same cell is not in the diff at all
    assert "with a documented method" not in text


def test_statements_are_followed_by_uid_across_levels():
    a, b = two_small_families(statement_uids=True)
    moved = b.competencies[0].statements.pop("PM4")
    b.competencies[0].statements["PM2"] = moved
    _, _, statements = diff_data(a, b)
    assert [(s.kind, s.level, s.moved_from) for s in statements] == [
        (CHANGED, "PM2", "Prioritization at PM4")
    ]


def test_diff_page(world, v1):
    draft = services.start_draft(v1.family, actor=world.hr)
    prio = Competency.objects.get(version=draft, name="Prioritization")
    write_cell(
        draft,
        prio.uid,
        Level.objects.get(version=draft, code="PM1").uid,
        "Orders the backlog.",
        actor=world.hr,
        revision=rev(draft),
    )
    v2 = services.publish_draft(draft, actor=world.hr, note="v2")
    url = reverse("frameworks:diff", args=[v1.family.public_id])
    response = world.client_for(world.hr).get(url, {"a": v1.public_id, "b": v2.public_id})
    body = response.content.decode()
    assert "v1 → v2" in body and "Orders the backlog." in body
    assert "Ranks the backlog of one feature with the team." in body
    assert (
        world.client_for(world.hr).get(url, {"a": "zzzzzzzzzzzz", "b": v2.public_id}).status_code
        == 404
    )
    assert world.client_for(world.employee).get(url).status_code == 403
    # with no versions chosen yet, the choosers offer the latest change, not v2 against v2
    bare = world.client_for(world.hr).get(url).content.decode()
    assert (
        f'<option value="{v1.public_id}" selected>'
        in bare.split('name="a"')[1].split("</select>")[0]
    )
    assert (
        f'<option value="{v2.public_id}" selected>'
        in bare.split('name="b"')[1].split("</select>")[0]
    )


def test_diff_page_lists_level_and_competency_changes(world, v1):
    draft = services.start_draft(v1.family, actor=world.hr)
    level = Level.objects.get(version=draft, code="PM1")
    services.update_level(
        draft, level.uid, actor=world.hr, expected_revision=rev(draft), title="Junior PM"
    )
    services.add_competency(draft, name="Negotiation", actor=world.hr, expected_revision=rev(draft))
    url = reverse("frameworks:diff", args=[v1.family.public_id])
    body = world.client_for(world.hr).get(url, {"a": v1.public_id, "b": draft.public_id})
    text = body.content.decode()
    assert 'id="diff-levels"' in text and "Junior PM" in text
    assert 'id="diff-competencies"' in text and "Negotiation" in text
