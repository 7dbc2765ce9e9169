"""Who may see and do what with promotions — one set of rules for the pages and the API.

- The readiness list: HR see everyone; a manager sees the people below them.
- Opening a case and writing it: HR and anyone above the person (not the person).
- Seeing a case (its evidence, files and deliberations): HR, anyone above the person,
  the case's reviewers and approvers, and the committee of its round. Never the nominee
  while it is open.
- Giving a verdict: the case's reviewers and approvers.
- Deciding: HR, the case's approvers, and the committee of its (open) round.
- The nominee sees the outcome once the case is decided: the decision, the rationale,
  the effective date, and for "not yet" the gaps to close.

Anything a viewer may not see answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from growth.access import Viewer, viewer_of
from promotions.models import CaseReviewer, PromotionCase, PromotionRound, RoundMember
from reviews.access import oversees

__all__ = [
    "Viewer",
    "can_decide",
    "can_open_for",
    "can_review",
    "can_see_case",
    "can_see_outcome",
    "can_write",
    "viewer_of",
    "visible_cases",
    "visible_rounds",
]


def can_open_for(viewer: Viewer, person: Any) -> bool:
    return oversees(viewer, person.pk)


def _named(case: PromotionCase, viewer: Viewer, *roles: str) -> bool:
    if viewer.pk is None:
        return False
    qs = CaseReviewer.objects.filter(case=case, person_id=viewer.pk)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.exists()


def _on_committee(case: PromotionCase, viewer: Viewer, *, open_only: bool = False) -> bool:
    if viewer.pk is None or case.round_id is None:
        return False
    qs = RoundMember.objects.filter(round_id=case.round_id, person_id=viewer.pk)
    if open_only:
        qs = qs.filter(round__status=PromotionRound.Status.OPEN)
    return qs.exists()


def can_write(case: PromotionCase, viewer: Viewer) -> bool:
    """Write the case (while it is open): HR and anyone above the person."""
    return oversees(viewer, case.person_id)


def can_see_case(case: PromotionCase, viewer: Viewer) -> bool:
    if viewer.pk is not None and viewer.pk == case.person_id:
        return False
    return can_write(case, viewer) or _named(case, viewer) or _on_committee(case, viewer)


def can_see_outcome(case: PromotionCase, viewer: Viewer) -> bool:
    """The nominee's view of a decided case."""
    return case.is_decided and viewer.pk is not None and viewer.pk == case.person_id


def can_review(case: PromotionCase, viewer: Viewer) -> bool:
    return _named(case, viewer)


def can_decide(case: PromotionCase, viewer: Viewer) -> bool:
    if viewer.pk is not None and viewer.pk == case.person_id:
        return False
    if viewer.is_admin:
        return True
    return _named(case, viewer, CaseReviewer.Role.APPROVER) or _on_committee(
        case, viewer, open_only=True
    )


def visible_cases(viewer: Viewer) -> QuerySet[PromotionCase]:
    """The cases a viewer may list (never their own)."""
    cases = PromotionCase.objects.all()
    if viewer.is_admin:
        return cases.exclude(person_id=viewer.pk) if viewer.pk else cases
    if viewer.person is None:
        return cases.none()
    me = viewer.person.pk
    mine = (
        Q(person_id__in=viewer.reports)
        | Q(reviewers__person_id=me)
        | Q(round__members__person_id=me)
    )
    return cases.filter(mine).exclude(person_id=me).distinct()


def visible_rounds(viewer: Viewer) -> QuerySet[PromotionRound]:
    rounds = PromotionRound.objects.all()
    if viewer.is_admin:
        return rounds
    if viewer.person is None:
        return rounds.none()
    return rounds.filter(members__person_id=viewer.person.pk).distinct()


def can_see_round(round: PromotionRound, viewer: Viewer) -> bool:
    if viewer.is_admin:
        return True
    return (
        viewer.pk is not None
        and RoundMember.objects.filter(round=round, person_id=viewer.pk).exists()
    )
