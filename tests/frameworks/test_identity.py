"""Stable identities: every versioned item keeps its uid while it is the same item."""

from __future__ import annotations

import pytest
from django.db import transaction

from frameworks import services
from frameworks.models import Competency, CompetencyCategory, Level, Statement
from organizations.scoping import scope
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db


def statement_uids(version):
    return {
        (st.competency.name, st.level.code, st.text): st.uid
        for st in Statement.objects.filter(version=version).select_related("competency", "level")
    }


def category_uids(version):
    return dict(CompetencyCategory.objects.filter(version=version).values_list("name", "uid"))


def test_statement_and_category_uids_survive_a_new_draft(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    draft = services.start_draft(v1.family, actor=world.hr)
    assert statement_uids(draft) == statement_uids(v1)
    assert category_uids(draft) == category_uids(v1)


def test_an_import_of_the_same_ladder_keeps_every_uid(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    data = small_family()
    data.competencies[0].statements["PM1"][0].text = "Ranks the backlog with the team."
    draft = load(acme_scope, data, actor=world.hr)
    assert snapshot(draft, positions=False).keys() == snapshot(v1, positions=False).keys()
    # the corrected wording is the same statement
    corrected = Statement.objects.get(version=draft, text="Ranks the backlog with the team.")
    assert Statement.objects.filter(version=v1, uid=corrected.uid).exists()


def test_a_rollback_brings_back_the_items_of_the_old_version(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    draft = services.start_draft(v1.family, actor=world.hr)
    comp = Competency.objects.get(version=draft, name="Communication")
    services.remove_competency(draft, comp.uid, actor=world.hr, expected_revision=draft.revision)
    services.publish_draft(draft, actor=world.hr, note="Without communication")
    rollback = services.start_draft(v1.family, actor=world.hr, from_version=v1)
    assert snapshot(rollback, positions=False) == snapshot(v1, positions=False)


def snapshot(version, *, positions=True):
    """Every item of a version by (kind, uid), with what it is (and where, unless
    `positions` is false: a new draft numbers positions afresh)."""
    found = {
        ("level", lv.uid): (lv.code, lv.title, lv.rank, lv.track, positions and lv.position)
        for lv in Level.objects.filter(version=version)
    }
    found.update(
        (("category", c.uid), c.name) for c in CompetencyCategory.objects.filter(version=version)
    )
    found.update(
        (("competency", c.uid), (c.name, c.description, c.category_id and c.category.uid))
        for c in Competency.objects.filter(version=version).select_related("category")
    )
    for st in Statement.objects.filter(version=version).select_related("competency", "level"):
        found[("statement", st.uid)] = (st.competency.uid, st.level.uid, st.text)
    return found


def removed_by(op, target, before, text):
    """The items an edit is allowed to drop."""
    kind = {"remove_level": "level", "remove_competency": "competency"}.get(op)
    gone = set()
    if kind:
        gone.add((kind, target))
        gone |= {
            key for key, what in before.items() if key[0] == "statement" and target in what[:2]
        }
    if op == "remove_category":
        gone.add(("category", target))
    if op == "edit_cell" and target:
        comp, level = target
        lines = {line.strip() for line in text.split("\n")}
        gone |= {
            key
            for key, what in before.items()
            if key[0] == "statement" and what[:2] == (comp, level) and what[2] not in lines
        }
    return gone


TEXTS = [
    "Writes clear tickets.",
    "Writes clear tickets.\nRuns the weekly demo.",
    "Ranks the backlog of one feature with the team.",
    "",
    "Coaches PMs to rank their roadmaps.\nWrites clear tickets.",
]
OPS = [
    "add_level",
    "update_level",
    "move_level",
    "remove_level",
    "add_category",
    "rename_category",
    "move_category",
    "remove_category",
    "add_competency",
    "update_competency",
    "move_competency",
    "remove_competency",
    "edit_cell",
    "undo",
]


def run_edit(draft, op, n, text, actor):
    """Apply one editor operation to the `n`-th item; returns the target it named."""
    levels = list(Level.objects.filter(version=draft).order_by("pk"))
    comps = list(Competency.objects.filter(version=draft).order_by("pk"))
    cats = list(CompetencyCategory.objects.filter(version=draft).order_by("pk"))
    rev = {"actor": actor, "expected_revision": draft.revision}

    def pick(items):
        return items[n % len(items)].uid

    if op == "add_level":
        services.add_level(draft, code=f"X{n}", title=f"Level {n}", rank=n, track="ic", **rev)
    elif op == "update_level" and levels:
        services.update_level(draft, pick(levels), title=f"Renamed {n}", **rev)
        return pick(levels)
    elif op == "move_level" and levels:
        services.move_level(draft, pick(levels), direction=1 if n % 2 else -1, **rev)
    elif op == "remove_level" and levels:
        services.remove_level(draft, pick(levels), **rev)
        return pick(levels)
    elif op == "add_category":
        services.add_category(draft, name=f"Category {n}", **rev)
    elif op == "rename_category" and cats:
        services.rename_category(draft, pick(cats), name=f"Renamed category {n}", **rev)
    elif op == "move_category" and cats:
        services.move_category(draft, pick(cats), direction=1 if n % 2 else -1, **rev)
    elif op == "remove_category" and cats:
        services.remove_category(draft, pick(cats), **rev)
        return pick(cats)
    elif op == "add_competency":
        services.add_competency(draft, name=f"Competency {n}", **rev)
    elif op == "update_competency" and comps:
        services.update_competency(draft, pick(comps), description=f"About {n}", **rev)
    elif op == "move_competency" and comps:
        services.move_competency(draft, pick(comps), direction=1 if n % 2 else -1, **rev)
    elif op == "remove_competency" and comps:
        services.remove_competency(draft, pick(comps), **rev)
        return pick(comps)
    elif op == "edit_cell" and comps and levels:
        comp, level = comps[n % len(comps)].uid, levels[(n // 3) % len(levels)].uid
        services.edit_cell(
            draft, competency_uid=comp, level_uid=level, text=text, evidence=[], **rev
        )
        return (comp, level)
    elif op == "undo":
        services.undo_last_edit(draft, **rev)
    return None


def test_every_item_not_removed_keeps_its_uid_through_edits_publish_and_a_new_draft(world):
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    @settings(
        max_examples=25,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure shows its example
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(OPS), st.integers(0, 30), st.sampled_from(TEXTS)),
            max_size=10,
        )
    )
    def check(edits):
        with scope(world.acme), transaction.atomic():
            v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
            draft = services.start_draft(v1.family, actor=world.hr)
            assert snapshot(draft) == snapshot(v1)
            history = []
            for op, n, text in edits:
                before = snapshot(draft)
                top = services.last_edit(draft)
                try:
                    with transaction.atomic():
                        target = run_edit(draft, op, n, text, world.hr)
                except services.FrameworkError:
                    draft.refresh_from_db()
                    assert snapshot(draft) == before
                    continue
                draft.refresh_from_db()
                after = snapshot(draft)
                if op == "undo":
                    if history:
                        assert after == history.pop()
                    continue
                if services.last_edit(draft) != top:
                    history.append(before)
                kept = set(before) - removed_by(op, target, before, text)
                assert kept <= set(after), (op, kept - set(after))
            last = snapshot(draft, positions=False)
            if not Level.objects.filter(version=draft).exists():
                transaction.set_rollback(True)
                return
            services.publish_draft(draft, actor=world.hr, note="Edited")
            again = services.start_draft(v1.family, actor=world.hr)
            assert snapshot(again, positions=False) == last
            transaction.set_rollback(True)

    check()
