"""The Sales, Marketing, People and HR, Finance and Operations templates: each has the
ladder it promises, every statement passes the statement linter, statements differ from
level to level, and starting from one makes a draft that reads back unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from frameworks.library import load_template, start_from_template, template_keys
from frameworks.linter import lint_family_data, similarity
from frameworks.models import Competency, Level, Statement
from frameworks.services import version_to_data

# key -> (name, shared titles, IC titles, Manager titles), each title list in rank order
LADDERS: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "sales": (
        "Sales",
        ["Sales Development Representative", "Account Executive", "Senior Account Executive"],
        ["Strategic Account Executive", "Principal Account Executive"],
        ["Sales Manager", "Head of Sales", "VP of Sales"],
    ),
    "marketing": (
        "Marketing",
        ["Marketing Coordinator", "Marketing Specialist", "Senior Marketing Manager"],
        ["Lead Marketing Specialist", "Principal Marketer"],
        ["Marketing Team Lead", "Head of Marketing", "VP of Marketing"],
    ),
    "people-hr": (
        "People and HR",
        ["People Coordinator", "People Generalist", "Senior People Partner"],
        ["Lead People Specialist", "Principal People Specialist"],
        ["People Team Manager", "Head of People", "VP of People"],
    ),
    "finance": (
        "Finance",
        ["Finance Associate", "Financial Analyst", "Senior Financial Analyst"],
        ["Lead Finance Specialist", "Principal Finance Specialist"],
        ["Finance Manager", "Head of Finance", "VP of Finance"],
    ),
    "operations": (
        "Operations",
        ["Operations Associate", "Operations Specialist", "Senior Operations Specialist"],
        ["Lead Operations Specialist", "Principal Operations Specialist"],
        ["Operations Team Lead", "Head of Operations", "VP of Operations"],
    ),
}

# words each family's competencies must cover (checked against competency names)
TOPICS = {
    "sales": ["prospecting", "qualification", "negotiation", "forecasting", "account", "coaching"],
    "marketing": ["campaign", "messaging", "insight", "measurement", "pipeline", "budget"],
    "people-hr": ["operations", "compliance", "relations", "talent", "reward", "performance"],
    "finance": ["close", "audit", "cash", "forecasting", "analysis", "partnering"],
    "operations": ["process", "service", "project", "metrics", "vendors", "incidents"],
}

KEYS = list(LADDERS)


def test_all_five_are_in_the_library():
    assert set(KEYS) <= set(template_keys())


@pytest.mark.parametrize("key", KEYS)
def test_ladder_shape(key: str):
    name, shared, ic, manager = LADDERS[key]
    data = load_template(key)
    assert data.name == name
    by_track = {
        t: [lv.title for lv in sorted(data.levels, key=lambda lv: lv.rank) if lv.track == t]
        for t in ("shared", "ic", "manager")
    }
    assert by_track == {"shared": shared, "ic": ic, "manager": manager}
    ranks = {lv.title: lv.rank for lv in data.levels}
    assert [ranks[t] for t in shared] == [1, 2, 3]
    assert [ranks[t] for t in ic] == [4, 5]
    assert [ranks[t] for t in manager] == [4, 5, 6]
    # the top of the manager track answers for the whole company
    assert next(lv.scope for lv in data.levels if lv.title == manager[-1]) == "Company"
    names = " ".join(c.name.casefold() for c in data.competencies)
    for topic in TOPICS[key]:
        assert topic in names, topic
    assert len(data.categories()) in (3, 4)
    assert 6 <= len(data.competencies) <= 10
    assert data.statement_count() >= 40


@pytest.mark.parametrize("key", KEYS)
def test_every_statement_passes_the_linter(key: str):
    report = lint_family_data(load_template(key))
    assert report.items, "the linter saw the statements"
    flagged = [(i.level_code, i.competency, i.result.codes, i.text) for i in report.flagged]
    assert flagged == []
    assert report.score == 100


@pytest.mark.parametrize("key", KEYS)
def test_statements_are_short_and_carry_evidence(key: str):
    data = load_template(key)
    for comp in data.competencies:
        assert comp.description, comp.name
        for code, items in comp.statements.items():
            for st in items:
                sentences = [s for s in st.text.replace(";", ".").split(". ") if s.strip()]
                assert 1 <= len(sentences) <= 3, (code, st.text)
                assert len(st.text) <= 320, (code, st.text)
                assert st.evidence, (code, st.text)


@pytest.mark.parametrize("key", KEYS)
def test_levels_say_something_different(key: str):
    """No two statements of one competency read alike, on any path."""
    data = load_template(key)
    for comp in data.competencies:
        texts = [(code, st.text) for code, items in comp.statements.items() for st in items]
        for i, (code_a, a) in enumerate(texts):
            for code_b, b in texts[i + 1 :]:
                assert similarity(a, b) < 0.5, (comp.name, code_a, code_b)


def test_families_do_not_share_sentences():
    seen: dict[str, str] = {}
    for key in KEYS:
        data = load_template(key)
        for comp in data.competencies:
            for items in comp.statements.values():
                for st in items:
                    assert st.text not in seen, (key, seen.get(st.text))
                    seen[st.text] = key


@pytest.mark.parametrize("key", KEYS)
def test_start_from_template_round_trips(key: str, world: Any, acme_scope: Any):
    data = load_template(key)
    draft = start_from_template(world.acme, key, actor=world.hr)
    assert draft.family.name == data.name and draft.source == f"template:{key}"
    assert Level.objects.filter(version=draft).count() == len(data.levels)
    assert Competency.objects.filter(version=draft).count() == len(data.competencies)
    assert Statement.objects.filter(version=draft).count() == data.statement_count()
    back = version_to_data(draft)
    assert [(lv.code, lv.title, lv.rank, lv.track, lv.scope) for lv in back.levels] == [
        (lv.code, lv.title, lv.rank, lv.track, lv.scope) for lv in data.levels
    ]
    assert {c.name: c.statements for c in back.competencies} == {
        c.name: c.statements for c in data.competencies
    }
