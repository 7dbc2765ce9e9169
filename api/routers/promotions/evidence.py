"""/promotions/{id}/evidence and /promotions/{id}/gaps: the evidence a case may cite, and
the gaps of a “not yet” the nominee takes into their development plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status

from api.auth import ApiRequest
from api.common import get_or_404
from api.routers.growth import ActionItemOut, item_out
from api.routers.promotions.shapes import EvidenceOut, readable_cases, to_write, viewer_of
from growth.models import ActionItem
from promotions import access, services
from promotions.selectors import evidence_options

router = Router()


class OptionOut(EvidenceOut):
    cited: bool = Field(description="The statement cites it now")


class StatementOptionsOut(Schema):
    statement: str = Field(description="The statement's uid")
    options: list[OptionOut]


class EvidenceOptionsOut(Schema):
    statements: list[StatementOptionsOut]


@router.get(
    "/promotions/{id}/evidence",
    response=EvidenceOptionsOut,
    summary="The evidence a case may cite",
)
def evidence_choices(request: ApiRequest, id: str) -> dict[str, Any]:
    """Per statement of the case, what it may cite (its ratings in the person's released
    reviews — self and manager only —, the action items on its competency, the case's
    files) and whether it cites it now. Send the `ref`s in a PATCH's `case.evidence`."""
    case = to_write(request, id)
    if not access.can_write(case, viewer_of(request)):
        raise PermissionDenied("Only HR and the managers above the person write this case.")
    statements = list(case.statements.all())
    options = evidence_options(case, [(s.statement_uid, s.competency_uid) for s in statements])
    return {
        "statements": [
            {
                "statement": s.statement_uid,
                "options": [
                    {
                        "ref": o.ref,
                        "kind": o.kind,
                        "label": o.label,
                        "detail": o.detail,
                        "date": o.dated,
                        "cited": o.ref in {e.ref for e in s.evidence.all()},
                    }
                    for o in options[s.statement_uid].all
                ],
            }
            for s in statements
        ]
    }


@router.post(
    "/promotions/{id}/gaps/{statement}/accept",
    response={201: ActionItemOut},
    summary="Take a gap into your development plan",
)
def accept_gap(request: ApiRequest, id: str, statement: str) -> Status:
    """The nominee, after a “not yet”: one of the decision's gaps becomes an action item of
    their development plan (once)."""
    case = get_or_404(readable_cases(request), id)
    gap = next((g for g in case.gaps.all() if g.statement_uid == statement), None)
    if gap is None:
        raise Http404("Not found")
    item = services.accept_gap(gap, actor=request.user)
    return Status(
        201, item_out(ActionItem.objects.select_related("person", "owner").get(pk=item.pk))
    )
