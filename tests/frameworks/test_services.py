"""The editor's services: edits, undo, stale revisions, publishing and rollback."""

from __future__ import annotations

import pytest

from frameworks import services
from frameworks.models import (
    Competency,
    CompetencyCategory,
    DraftEdit,
    FrameworkVersion,
    Level,
    Statement,
)
from frameworks.services import (
    ConcurrentEditError,
    EditError,
    FrameworkError,
    version_to_data,
)
from organizations.models import AuditEntry
from tests.framework_fixtures import cell_uids, load, small_family, write_cell

pytestmark = pytest.mark.django_db


def uid(draft, model, **kw):
    return model.objects.get(version=draft, **kw).uid


def cell_texts(draft, comp, code):
    return list(
        Statement.objects.filter(version=draft, competency__name=comp, level__code=code)
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_edit_cell_splits_lines_bumps_revision_and_audits(draft, world):
    rev = draft.revision
    comp, level = cell_uids(draft, "Communication", "PM3")
    text = "Writes a monthly update for leadership.\n\n  Runs the quarterly review.  "
    evidence = ["written_artifact", "bogus"]
    write_cell(draft, comp, level, text, actor=world.hr, revision=rev, evidence=evidence)
    draft.refresh_from_db()
    assert draft.revision == rev + 1
    rows = Statement.objects.filter(
        version=draft, level__code="PM3", competency__name="Communication"
    )
    assert [(s.text, s.evidence) for s in rows.order_by("position")] == [
        ("Writes a monthly update for leadership.", ["written_artifact"]),
        ("Runs the quarterly review.", ["written_artifact"]),
    ]
    assert AuditEntry.objects.filter(action="framework.statement_edited").count() == 1
    assert services.last_edit(draft).label == "Add Communication at PM3"


def test_unchanged_lines_keep_their_own_evidence(draft, world):
    comp, level = uid(draft, Competency, name="Prioritization"), uid(draft, Level, code="PM3")
    write_cell(
        draft,
        comp,
        level,
        "Ranks the product area roadmap with a documented method.\nNew line.",
        actor=world.hr,
        revision=draft.revision,
        evidence=["decision_record"],
    )
    rows = Statement.objects.filter(version=draft, competency__uid=comp, level__uid=level)
    assert [s.evidence for s in rows.order_by("position")] == [["decision_record"]] * 2


def test_stale_revision_is_refused_and_nothing_changes(draft, world):
    comp, level = uid(draft, Competency, name="Prioritization"), uid(draft, Level, code="PM1")
    stale = draft.revision
    write_cell(draft, comp, level, "First admin's text", actor=world.hr, revision=stale)
    with pytest.raises(ConcurrentEditError, match="Someone else changed this draft"):
        write_cell(draft, comp, level, "Second admin's text", actor=world.owner, revision=stale)
    assert cell_texts(draft, "Prioritization", "PM1") == ["First admin's text"]
    with pytest.raises(ConcurrentEditError):
        services.add_level(
            draft, actor=world.owner, expected_revision=stale, code="X1", title="X", rank=9
        )
    assert not Level.objects.filter(version=draft, code="X1").exists()
    with pytest.raises(ConcurrentEditError):
        services.undo_last_edit(draft, actor=world.owner, expected_revision=stale)
    assert DraftEdit.objects.filter(version=draft).count() == 1


def test_undo_reverses_each_kind_of_edit(draft, world):
    before = version_to_data(draft)

    def rev():
        draft.refresh_from_db()
        return draft.revision

    actor = world.hr
    comp = uid(draft, Competency, name="Prioritization")
    pm3 = uid(draft, Level, code="PM3")
    write_cell(draft, comp, pm3, "", actor=actor, revision=rev())
    services.update_level(
        draft, pm3, actor=actor, expected_revision=rev(), title="Senior PM II", scope="Product line"
    )
    services.move_level(
        draft, uid(draft, Level, code="PM2"), direction=1, actor=actor, expected_revision=rev()
    )
    services.remove_level(
        draft, uid(draft, Level, code="PM1"), actor=actor, expected_revision=rev()
    )
    new = services.add_level(
        draft,
        actor=actor,
        expected_revision=rev(),
        code="pm5",
        title="Principal PM",
        rank=5,
        track="ic",
    )
    cat = services.add_category(draft, name="Execution", actor=actor, expected_revision=rev())
    services.rename_category(
        draft,
        uid(draft, CompetencyCategory, name="Leadership"),
        name="People",
        actor=actor,
        expected_revision=rev(),
    )
    services.move_category(draft, cat.uid, direction=-1, actor=actor, expected_revision=rev())
    people_cat = uid(draft, CompetencyCategory, name="People")
    added = services.add_competency(
        draft, name="Delivery", category_uid=people_cat, actor=actor, expected_revision=rev()
    )
    services.update_competency(
        draft, comp, name="Prioritisation", category="", actor=actor, expected_revision=rev()
    )
    services.move_competency(draft, added.uid, direction=-1, actor=actor, expected_revision=rev())
    services.remove_competency(
        draft, uid(draft, Competency, name="Communication"), actor=actor, expected_revision=rev()
    )
    services.remove_category(
        draft, uid(draft, CompetencyCategory, name="People"), actor=actor, expected_revision=rev()
    )
    assert new.code == "pm5"
    assert version_to_data(draft) != before
    labels = []
    while services.last_edit(draft):
        labels.append(services.undo_last_edit(draft, actor=actor, expected_revision=rev()))
    assert labels[0] == "Remove category People"
    assert labels[-1] == "Clear Prioritization at PM3"
    after = version_to_data(draft)
    assert after == before
    with pytest.raises(EditError, match="nothing to undo"):
        services.undo_last_edit(draft, actor=actor, expected_revision=rev())


def test_remove_level_then_undo_restores_its_statements(draft, world):
    level = Level.objects.get(version=draft, code="PM3")
    count = Statement.objects.filter(level=level).count()
    services.remove_level(draft, level.uid, actor=world.hr, expected_revision=draft.revision)
    assert not Level.objects.filter(version=draft, uid=level.uid).exists()
    draft.refresh_from_db()
    assert services.undo_last_edit(draft, actor=world.hr, expected_revision=draft.revision) == (
        "Remove level PM3"
    )
    restored = Level.objects.get(version=draft, uid=level.uid)
    assert restored.code == "PM3"
    assert Statement.objects.filter(level=restored).count() == count == 1


def test_validation_names_the_field(draft, world):
    with pytest.raises(EditError) as caught:
        services.add_level(
            draft, actor=world.hr, expected_revision=draft.revision, code="pm3", title="Dup", rank=3
        )
    assert caught.value.field == "code"
    with pytest.raises(EditError) as caught:
        services.add_competency(
            draft, name="communication", actor=world.hr, expected_revision=draft.revision
        )
    assert caught.value.field == "name"
    with pytest.raises(EditError, match="already the most senior"):
        services.move_level(
            draft,
            uid(draft, Level, code="PM4"),
            direction=1,
            actor=world.hr,
            expected_revision=draft.revision,
        )


def test_published_version_cannot_be_edited(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    assert v1.status == FrameworkVersion.Status.PUBLISHED and v1.number == 1
    comp = uid(v1, Competency, name="Prioritization")
    level = uid(v1, Level, code="PM1")
    with pytest.raises(FrameworkError, match="Published versions cannot be changed"):
        write_cell(v1, comp, level, "Sneaky", actor=world.hr, revision=v1.revision)
    with pytest.raises(FrameworkError, match="Published versions cannot be changed"):
        services.remove_level(v1, level, actor=world.hr, expected_revision=None)
    assert cell_texts(v1, "Prioritization", "PM1") == [
        "Ranks the backlog of one feature with the team."
    ]


def test_publish_moves_people_and_clears_the_undo_stack(acme_scope, world):
    from people.services import update_person

    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    pm2 = Level.objects.get(version=v1, code="PM2")
    update_person(
        world.p_employee, actor=world.hr, expected_revision=None, job_family=v1.family, level=pm2
    )
    draft = services.start_draft(v1.family, actor=world.hr)
    services.update_level(
        draft, pm2.uid, actor=world.hr, expected_revision=draft.revision, title="Product Manager II"
    )
    assert DraftEdit.objects.filter(version=draft).count() == 1
    from frameworks.selectors import people_moving

    assert people_moving(draft) == 1
    v2 = services.publish_draft(
        draft, actor=world.hr, note="Renamed PM2", expected_revision=draft.revision
    )
    assert v2.number == 2
    world.p_employee.refresh_from_db()
    assert world.p_employee.level.version_id == v2.pk
    assert world.p_employee.level.title == "Product Manager II"
    assert not DraftEdit.objects.filter(version=v2).exists()


def test_people_block_removing_their_level(acme_scope, world):
    from people.services import update_person

    draft = load(acme_scope, small_family(), actor=world.hr)
    pm2 = Level.objects.get(version=draft, code="PM2")
    update_person(
        world.p_employee, actor=world.hr, expected_revision=None, job_family=draft.family, level=pm2
    )
    with pytest.raises(EditError, match="People are placed on PM2"):
        services.remove_level(draft, pm2.uid, actor=world.hr, expected_revision=draft.revision)


def test_rollback_starts_a_draft_from_an_old_version(acme_scope, world):
    v1 = load(acme_scope, small_family(), actor=world.hr, publish=True)
    draft = services.start_draft(v1.family, actor=world.hr)
    comp, level = cell_uids(draft, "Prioritization", "PM1")
    write_cell(draft, comp, level, "Changed in v2", actor=world.hr, revision=draft.revision)
    v2 = services.publish_draft(draft, actor=world.hr, note="v2")
    rollback = services.start_draft(v1.family, actor=world.hr, from_version=v1)
    assert rollback.based_on == v1 and rollback.number == 3
    assert version_to_data(rollback) == version_to_data(v1)
    assert version_to_data(rollback) != version_to_data(v2)


def test_blank_family_and_discard(acme_scope, world):
    draft = services.create_blank_family(acme_scope, name="Design", actor=world.hr)
    assert draft.is_draft and draft.family.name == "Design"
    services.discard_draft(draft, actor=world.hr)
    assert not FrameworkVersion.objects.filter(family=draft.family).exists()


def test_undo_stack_keeps_the_latest_edits(draft, world, monkeypatch):
    monkeypatch.setattr(services.operations, "UNDO_DEPTH", 3)
    comp, level = uid(draft, Competency, name="Prioritization"), uid(draft, Level, code="PM2")
    for n in range(5):
        write_cell(draft, comp, level, f"Version {n}", actor=world.hr, revision=draft.revision)
    assert list(DraftEdit.objects.filter(version=draft).values_list("seq", flat=True)) == [5, 4, 3]


def test_a_refused_edit_leaves_the_revision_alone(draft, world):
    rev = draft.revision
    with pytest.raises(EditError):
        # checked inside the transaction, after the revision was claimed
        services.update_level(
            draft, uid(draft, Level, code="PM2"), actor=world.hr, expected_revision=rev, code="PM1"
        )
    draft.refresh_from_db()
    assert draft.revision == rev


def test_a_stale_move_renumbers_nothing(draft, world):
    CompetencyCategory.objects.filter(version=draft).update(position=7)
    before = list(
        CompetencyCategory.objects.filter(version=draft).order_by("pk").values_list("position")
    )
    cat = CompetencyCategory.objects.filter(version=draft).order_by("pk").first()
    with pytest.raises(ConcurrentEditError):
        services.move_category(
            draft, cat.uid, direction=1, actor=world.hr, expected_revision=draft.revision - 1
        )
    after = list(
        CompetencyCategory.objects.filter(version=draft).order_by("pk").values_list("position")
    )
    assert after == before


def test_a_move_renumbers_repeated_positions_as_one_audited_undoable_edit(draft, world):
    CompetencyCategory.objects.filter(version=draft).update(position=7)
    cats = list(CompetencyCategory.objects.filter(version=draft).order_by("position", "id"))
    services.move_category(
        draft, cats[0].uid, direction=1, actor=world.hr, expected_revision=draft.revision
    )
    after = list(CompetencyCategory.objects.filter(version=draft).order_by("position"))
    assert [c.pk for c in after[:2]] == [cats[1].pk, cats[0].pk]
    assert len({c.position for c in after}) == len(after)
    entry = AuditEntry.objects.filter(action="framework.category_moved").latest("id")
    assert "position" in entry.changes
    services.undo_last_edit(draft, actor=world.hr, expected_revision=draft.revision)
    assert set(
        CompetencyCategory.objects.filter(version=draft).values_list("position", flat=True)
    ) == {7}


def test_every_item_kind_has_its_three_operations():
    for kind in services.ITEM_KINDS:
        for verb in ("create", "update", "delete"):
            assert f"{verb}_{kind}" in services.OPERATIONS
    assert "set_cell" in services.OPERATIONS


def test_undo_payloads_carry_their_version_and_an_unknown_one_is_refused(draft, world):
    level = uid(draft, Level, code="PM2")
    services.update_level(
        draft, level, title="Product Manager II", actor=world.hr, expected_revision=draft.revision
    )
    entry = DraftEdit.objects.get(version=draft)
    assert entry.payload["v"] == services.operations.PAYLOAD_VERSION
    # an entry written before payloads were versioned (no "v") still undoes
    DraftEdit.objects.filter(pk=entry.pk).update(
        payload={k: v for k, v in entry.payload.items() if k != "v"}
    )
    services.undo_last_edit(draft, actor=world.hr, expected_revision=draft.revision)
    assert Level.objects.get(version=draft, uid=level).title != "Product Manager II"
    services.update_level(
        draft, level, title="Product Manager II", actor=world.hr, expected_revision=draft.revision
    )
    DraftEdit.objects.filter(version=draft).update(payload={"op": "update_level", "v": 99})
    with pytest.raises(EditError, match="another version of the editor"):
        services.undo_last_edit(draft, actor=world.hr, expected_revision=draft.revision)
    assert Level.objects.get(version=draft, uid=level).title == "Product Manager II"
