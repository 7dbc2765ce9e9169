"""Steps shared by the promotion tests: a written case, sent for review, decided."""

from __future__ import annotations

from typing import Any

from promotions import services
from promotions.models import CaseArtifact, CaseStatement, PromotionCase
from tests.factories import make_people


def write_all(
    case: PromotionCase,
    user: Any,
    text: str = "Shown on the search rewrite.",
    summary: str | None = "Ready: leads a product area already.",
) -> None:
    """`user` writes `text` for every statement of the case (and the summary, unless None)."""
    case.refresh_from_db()
    uids = CaseStatement.objects.filter(case=case).values_list("statement_uid", flat=True)
    services.save_case(
        case,
        actor=user,
        expected_revision=case.revision,
        summary=summary,
        arguments={uid: text for uid in uids},
    )
    case.refresh_from_db()


def attach(case: PromotionCase, user: Any, name: str, data: bytes, **kw: Any) -> CaseArtifact:
    """`user` attaches a file to the case at its current revision (`description`…)."""
    return services.upload_artifact(
        case, actor=user, expected_revision=case.revision, name=name, data=data, **kw
    )


def submit(case: PromotionCase, user: Any) -> PromotionCase:
    """`user` sends the written case for review at its current revision; refreshed."""
    services.submit_case(case, actor=user, expected_revision=case.revision)
    case.refresh_from_db()
    return case


def decide(
    case: PromotionCase, user: Any, decision: str, rationale: str, **kw: Any
) -> PromotionCase:
    """`user` decides the case at its current revision (`effective_date`, `gaps` as the
    service takes them); the case comes back refreshed."""
    services.decide_case(
        case,
        actor=user,
        expected_revision=case.revision,
        decision=decision,
        rationale=rationale,
        **kw,
    )
    case.refresh_from_db()
    return case


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
    return submit(case, world.manager)


def add_people(world: Any, t: Any, n: int, start: int, code: str = "G2") -> None:
    """`n` more people on the team's ladder at level `code`, under Max."""
    make_people(
        world,
        n,
        start=start,
        name="Extra {:03}",
        email="extra{}@acme.test",
        manager=t.max,
        job_family=t.family,
        level=t.levels[code],
    )
