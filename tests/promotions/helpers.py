"""Steps shared by the promotion tests: a written case, sent for review."""

from __future__ import annotations

from typing import Any

from people.services import create_person
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


def add_people(world: Any, t: Any, n: int, start: int, code: str = "G2") -> None:
    """`n` more people on the team's ladder at level `code`, under Max."""
    for i in range(start, start + n):
        create_person(
            world.acme,
            actor=world.owner,
            name=f"Extra {i:03}",
            email=f"extra{i}@acme.test",
            manager=t.max,
            job_family=t.family,
            level=t.levels[code],
        )
