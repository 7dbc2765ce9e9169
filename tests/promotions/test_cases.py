"""Opening and writing a promotion case: the target level's statements from the pinned
published version, evidence pulled from reviews and the plan, who may write it,
revision checks, and sending it for review."""

from __future__ import annotations

import pytest
from django.db import models

from growth import services as growth_services
from promotions import services
from promotions.errors import NotAllowed, PromotionError, StaleError
from promotions.models import CaseEvidence, CaseStatement, PromotionCase
from promotions.selectors import evidence_options
from tests.promotions.factories import READY, reviewed
from tests.promotions.helpers import write_all

pytestmark = pytest.mark.django_db


def test_open_case_copies_the_target_levels_statements_and_pulls_evidence(t, world):
    part = reviewed(world, t, READY)
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    assert case.status == PromotionCase.Status.DRAFT
    assert (case.from_level_code, case.target_level_code) == ("G2", "G3")
    assert case.version == t.version and case.family == t.family
    texts = [s.text.split()[0] for s in CaseStatement.objects.filter(case=case)]
    assert texts == ["d3a", "d3b", "d3c", "c3a", "k3"]
    assert case.readiness["figure"] == "5 of 5 statements, 100%"
    assert case.readiness["cycle"] == part.cycle.name and case.readiness["ready"]
    d3a = CaseStatement.objects.get(case=case, text__startswith="d3a")
    labels = sorted(e.label for e in CaseEvidence.objects.filter(statement=d3a))
    assert labels == [
        "Manager review in 2026 H1: rated 3 (Consistently shows this)",
        "Self-review in 2026 H1: rated 3 (Consistently shows this)",
    ]
    manager = CaseEvidence.objects.get(statement=d3a, label__startswith="Manager")
    assert manager.detail == "Led the search rewrite end to end."


def test_the_pinned_version_is_protected():
    for name in ("version", "family", "person"):
        field = PromotionCase._meta.get_field(name)
        assert field.remote_field.on_delete is models.PROTECT, name


def test_only_a_level_one_step_up(t, world):
    with pytest.raises(PromotionError) as err:
        services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G4"].uid)
    assert err.value.errors[0][0] == "target_level"
    assert "G3 Senior Engineer" in err.value.errors[0][1]


def test_a_case_is_opened_without_a_review_too(t, world):
    case = services.open_case(t.emma, actor=world.hr, target_level_uid=t.levels["M3"].uid)
    assert case.readiness["figure"] == "Not rated in this cycle"
    assert not CaseEvidence.objects.filter(case=case).exists()


def test_who_may_open_and_write(t, world):
    with pytest.raises(NotAllowed):  # not about yourself
        services.open_case(t.emma, actor=world.employee, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(NotAllowed):  # a peer is not above Emma
        services.open_case(t.max, actor=world.employee, target_level_uid=t.levels["G3"].uid)
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(NotAllowed):
        services.save_case(case, actor=world.employee, expected_revision=case.revision, summary="x")
    services.save_case(case, actor=world.owner, expected_revision=case.revision, summary="Yes")


def test_one_open_case_per_person(t, world):
    services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(PromotionError, match="already has an open promotion case"):
        services.open_case(t.emma, actor=world.hr, target_level_uid=t.levels["M3"].uid)


def test_save_case_words_and_evidence_with_a_revision_check(t, world):
    reviewed(world, t, READY)
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    d3a = CaseStatement.objects.get(case=case, text__startswith="d3a")
    item = growth_services.create_action_item(
        t.emma,
        actor=world.manager,
        competency_uid=d3a.competency_uid,
        title="Lead the Q3 roadmap review",
    )
    options = evidence_options(case, [(d3a.statement_uid, d3a.competency_uid)])[d3a.statement_uid]
    refs = [o.ref for o in options.ratings if o.label.startswith("Manager")]
    refs.append(f"action_item:{item.public_id}")
    revision = case.revision
    services.save_case(
        case,
        actor=world.manager,
        expected_revision=revision,
        summary="Leads the search area.",
        arguments={d3a.statement_uid: "Shipped the search rewrite (6 months, 4 people)."},
        evidence={d3a.statement_uid: refs},
    )
    d3a.refresh_from_db()
    assert d3a.argument.startswith("Shipped the search rewrite")
    kinds = sorted(e.kind for e in CaseEvidence.objects.filter(statement=d3a))
    assert kinds == ["action_item", "rating"]  # the self-review rating was removed
    with pytest.raises(StaleError):
        services.save_case(case, actor=world.manager, expected_revision=revision, summary="Old")
    case.refresh_from_db()
    assert case.summary == "Leads the search area."
    with pytest.raises(PromotionError):  # evidence from elsewhere
        services.save_case(
            case,
            actor=world.manager,
            expected_revision=case.revision,
            evidence={d3a.statement_uid: ["rating:notarealid1"]},
        )


def test_send_for_review_needs_words_for_every_statement(t, world):
    reviewed(world, t, READY)
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(PromotionError) as err:
        services.submit_case(case, actor=world.manager, expected_revision=case.revision)
    assert len(err.value.errors) == 5
    write_all(case, world.manager)
    services.submit_case(case, actor=world.manager, expected_revision=case.revision)
    case.refresh_from_db()
    assert case.status == PromotionCase.Status.IN_REVIEW and case.submitted_at


def test_withdraw_needs_a_reason_and_closes_the_case(t, world):
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(PromotionError):
        services.withdraw_case(case, actor=world.hr, expected_revision=case.revision, reason=" ")
    services.withdraw_case(case, actor=world.hr, expected_revision=case.revision, reason="Left")
    case.refresh_from_db()
    assert case.status == PromotionCase.Status.WITHDRAWN
    # a new case may be opened afterwards
    services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)


def test_reviewers_and_approvers(t, world):
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(PromotionError) as err:
        services.set_case_people(
            case, actor=world.hr, expected_revision=case.revision, reviewers=[t.emma], approvers=[]
        )
    assert err.value.errors == [("reviewers", "Emma Employee is the person nominated.")]
    services.set_case_people(
        case,
        actor=world.hr,
        expected_revision=case.revision,
        reviewers=[world.p_hr],
        approvers=[world.p_owner, world.p_hr],
    )
    assert sorted(case.reviewers.values_list("role", "person__name")) == [
        ("approver", "Hana Hr"),
        ("approver", "Olivia Owner"),
        ("reviewer", "Hana Hr"),
    ]
