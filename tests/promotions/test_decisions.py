"""Deciding a case: approvers first, approval moves the person through the people service
(level history with the effective date), "not yet" leaves gaps the person can accept as
action items, everything in the audit trail, and a decided case immutable below the
services too (model guards and database triggers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from growth.models import ActionItem
from organizations.models import AuditEntry
from people.models import LevelChange
from promotions import services
from promotions.errors import CaseLocked, NotAllowed, PromotionError
from promotions.models import (
    CaseEvidence,
    CaseGap,
    CaseReviewer,
    CaseStatement,
    GapAcceptance,
    PromotionCase,
)
from reviews import framework_adapter as fw
from tests.promotions.factories import NOT_READY, READY, reviewed
from tests.promotions.helpers import case_in_review, decide

pytestmark = pytest.mark.django_db
EFFECTIVE = dt.date(2026, 4, 1)


def approve(case, user, rationale="Meets every G3 statement; the search rewrite shows it.", **kw):
    kw.setdefault("effective_date", EFFECTIVE)
    return decide(case, user, "approve", rationale, **kw)


def test_approval_moves_the_person_and_records_it(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t, approvers=[world.p_owner], reviewers=[world.p_hr])
    services.record_verdict(case, actor=world.hr, verdict="approve", comment="Strong case.")
    with pytest.raises(PromotionError) as err:
        approve(case, world.hr)
    assert err.value.errors[0][1].startswith("Waiting for Olivia Owner to approve.")
    services.record_verdict(case, actor=world.owner, verdict="approve")
    case.refresh_from_db()
    approve(case, world.hr)
    case.refresh_from_db()
    assert case.status == "decided" and case.decision == "approve"
    t.emma.refresh_from_db()
    assert fw.level_of(t.emma).level_uid == t.levels["G3"].uid
    change = LevelChange.objects.filter(person=t.emma).order_by("-id").first()
    assert change.level_code == "G3" and change.effective_date == EFFECTIVE
    assert "Promoted to G3 Senior Engineer" in change.reason
    assert case.record["level_change"] == change.public_id
    # everything the decision rested on, on the case and in the audit log
    assert case.record["criteria"]["version"] == t.version.number
    assert [r["name"] for r in case.record["reviewers"]] == ["Olivia Owner", "Hana Hr"]
    assert all(r["at"] for r in case.record["reviewers"])
    entry = AuditEntry.objects.get(action="promotion_case.decided")
    published = timezone.localdate(t.version.published_at)
    assert entry.data["criteria"] == f"Engineering, version 1, published {published:%-d %b %Y}"
    assert entry.data["readiness"] == "5 of 5 statements, 100%"
    assert entry.data["ratings"][0].startswith("2026 H1: ")
    assert any("Manager review in 2026 H1: rated 3" in line for line in entry.data["evidence"])
    assert entry.data["approvers"][0].startswith("Olivia Owner: approve at ")
    assert entry.data["effective_date"] == "2026-04-01"
    assert entry.changes == {"decision": [None, "Approved"]}
    assert AuditEntry.objects.filter(action="person.updated", target_id=t.emma.public_id).exists()


def test_an_approver_deciding_gives_their_approval(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t, approvers=[world.p_owner])
    approve(case, world.owner)
    row = CaseReviewer.objects.get(case=case)
    assert row.verdict == "approve" and row.responded_at is not None


def test_who_may_decide(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t)
    with pytest.raises(NotAllowed):  # the manager writes the case but does not decide it
        approve(case, world.manager)
    with pytest.raises(NotAllowed):
        approve(case, world.employee)


def test_rationale_and_effective_date_are_required(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t)
    with pytest.raises(PromotionError) as err:
        approve(case, world.hr, rationale=" ", effective_date=None)
    assert {f for f, _ in err.value.errors} == {"rationale", "effective_date"}


def test_a_draft_is_not_decided(t, world):
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(PromotionError, match="in review"):
        approve(case, world.hr)


def test_not_yet_leaves_gaps_the_person_accepts(t, world):
    reviewed(world, t, NOT_READY)
    case = decide(case_in_review(world, t), world.hr, "not_yet", "Delivery at G3 is not there yet.")
    gaps = list(CaseGap.objects.filter(case=case))
    # by default, the statements the readiness rule found missing
    assert [g.text.split()[0] for g in gaps] == ["d3a", "d3b", "d3c"]
    t.emma.refresh_from_db()
    assert fw.level_of(t.emma).level_uid == t.levels["G2"].uid  # not moved
    with pytest.raises(NotAllowed):
        services.accept_gap(gaps[0], actor=world.manager)
    item = services.accept_gap(gaps[0], actor=world.employee)
    assert item.person == t.emma and item.statement_uid == gaps[0].statement_uid
    assert item.status == ActionItem.Status.OPEN
    assert GapAcceptance.objects.get(gap=gaps[0]).action_item == item
    with pytest.raises(PromotionError, match="already"):
        services.accept_gap(gaps[0], actor=world.employee)


def test_not_yet_with_chosen_gaps(t, world):
    reviewed(world, t, NOT_READY)
    case = case_in_review(world, t)
    k3 = CaseStatement.objects.get(case=case, text__startswith="k3").statement_uid
    with pytest.raises(PromotionError):
        decide(case, world.hr, "not_yet", "x", gaps=[])
    decide(case, world.hr, "not_yet", "Craft first.", gaps=[k3])
    assert list(CaseGap.objects.filter(case=case).values_list("statement_uid", flat=True)) == [k3]


def test_decline(t, world):
    reviewed(world, t, NOT_READY)
    case = case_in_review(world, t)
    decide(case, world.hr, "decline", "No.")
    assert case.decision == "decline" and not CaseGap.objects.filter(case=case).exists()


def test_a_level_changed_since_opening_is_refused(t, world):
    from people.services import update_person

    reviewed(world, t, READY)
    case = case_in_review(world, t)
    update_person(t.emma, actor=world.owner, expected_revision=None, level=t.levels["G1"])
    with pytest.raises(PromotionError, match="level has changed"):
        approve(case, world.hr)
    case.refresh_from_db()
    assert case.status == "in_review"


@pytest.fixture
def decided(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t, reviewers=[world.p_hr])
    return approve(case, world.hr)


def test_a_decided_case_is_immutable_in_the_models(decided, world):
    decided.rationale = "Changed afterwards"
    with pytest.raises(CaseLocked):
        decided.save()
    with pytest.raises(CaseLocked):
        decided.delete()
    statement = CaseStatement.objects.filter(case=decided).first()
    statement.argument = "Rewritten"
    with pytest.raises(CaseLocked):
        statement.save()
    with pytest.raises(CaseLocked):
        CaseEvidence.objects.filter(case=decided).first().delete()
    with pytest.raises(CaseLocked):
        services.save_case(decided, actor=world.hr, expected_revision=decided.revision, summary="x")
    with pytest.raises(CaseLocked):
        services.record_verdict(decided, actor=world.hr, verdict="decline")
    with pytest.raises(CaseLocked):
        approve(decided, world.hr)


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_decided_case_is_immutable_in_the_database(decided):
    with pytest.raises((DatabaseError, IntegrityError)):
        _raw("UPDATE promotions_promotioncase SET decision = 'decline' WHERE id = %s", [decided.pk])
    with pytest.raises((DatabaseError, IntegrityError)):
        _raw("UPDATE promotions_casestatement SET argument = 'x' WHERE case_id = %s", [decided.pk])
    statement = CaseStatement.objects.filter(case=decided).first()
    with pytest.raises((DatabaseError, IntegrityError)):
        _raw(
            "INSERT INTO promotions_caseevidence (organization_id, public_id, case_id, "
            "statement_id, kind, source_id, label, detail, added_by_label, added_at) "
            "VALUES (%s, 'zzzzzzzzzzzz', %s, %s, 'rating', 'x', 'Sneaked in', '', '', %s)",
            [decided.organization_id, decided.pk, statement.pk, "2026-01-01 00:00:00"],
        )
    decided.refresh_from_db()
    assert decided.decision == "approve"


def test_a_deleted_users_link_may_still_be_cleared(decided, world):
    # SET_NULL links are the only columns of a decided case the database lets change
    _raw("UPDATE promotions_promotioncase SET decided_by_id = NULL WHERE id = %s", [decided.pk])
    decided.refresh_from_db()
    assert decided.decided_by is None and decided.decided_by_label.startswith("Hana Hr")


def test_an_open_case_can_still_change_in_the_database(t, world):
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    _raw("UPDATE promotions_promotioncase SET summary = 'x' WHERE id = %s", [case.pk])
    case.refresh_from_db()
    assert case.summary == "x"  # the triggers guard closed cases only


def test_verdicts_only_from_named_people_in_review(t, world):
    reviewed(world, t, READY)
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    services.set_case_people(
        case, actor=world.hr, expected_revision=case.revision, reviewers=[world.p_hr], approvers=[]
    )
    with pytest.raises(PromotionError, match="sent for review"):
        services.record_verdict(case, actor=world.hr, verdict="approve")
    with pytest.raises(NotAllowed):
        services.record_verdict(case, actor=world.owner, verdict="approve")
    case.refresh_from_db()
    assert PromotionCase.objects.get(pk=case.pk).status == "draft"
