"""Steps shared by the promotion tests: a written case, sent for review."""

from __future__ import annotations

from typing import Any

from promotions import services
from promotions.models import CaseStatement, PromotionCase


def write_all(case: PromotionCase, user: Any, text: str = "Shown on the search rewrite.") -> None:
    case.refresh_from_db()
    uids = CaseStatement.objects.filter(case=case).values_list("statement_uid", flat=True)
    services.save_case(
        case,
        actor=user,
        expected_revision=case.revision,
        summary="Ready: leads a product area already.",
        arguments={uid: text for uid in uids},
    )
    case.refresh_from_db()


def case_in_review(
    world: Any, t: Any, *, target: str = "G3", approvers=(), reviewers=()
) -> PromotionCase:
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels[target].uid)
    write_all(case, world.manager)
    if approvers or reviewers:
        services.set_case_people(
            case,
            actor=world.hr,
            expected_revision=case.revision,
            reviewers=list(reviewers),
            approvers=list(approvers),
        )
        case.refresh_from_db()
    services.submit_case(case, actor=world.manager, expected_revision=case.revision)
    case.refresh_from_db()
    return case
