"""What a promotion case looks like in the API, and the cases a caller may read and
write (`promotions.access`): shared by the promotions routers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from ninja import Field, Schema

from api.auth import ApiRequest
from api.common import MAX_INT, ListOut, get_or_404
from api.errors import invalid
from people.models import Person
from promotions import access
from promotions.models import PromotionCase

Revision = Field(ge=0, le=MAX_INT, description="The revision you read; a stale one is 409")
CaseStatus = Literal["draft", "in_review", "decided", "withdrawn"]
DecisionValue = Literal["approve", "not_yet", "decline"]
Text = Field("", max_length=5000)


def viewer_of(request: ApiRequest) -> access.Viewer:
    from growth.access import viewer_for

    return viewer_for(request.user, request.membership)


# --- what a case looks like --------------------------------------------------------------


class EvidenceOut(Schema):
    ref: str = Field(description="“kind:id”: cite it in `evidence` of a PATCH")
    kind: Literal["rating", "action_item", "artifact"]
    label: str
    detail: str
    date: dt.date | None


class _OfStatement(Schema):
    """What names a statement of the case (and of a gap)."""

    statement: str = Field(description="The statement's uid")
    competency: str = Field(description="The competency's uid")
    competency_name: str


class CaseStatementOut(_OfStatement):
    level: str = Field(description="The level's code")
    text: str
    argument: str = Field(description="The manager's words: how the person shows it")
    evidence: list[EvidenceOut]


class ReviewerOut(Schema):
    person: str
    name: str
    role: Literal["reviewer", "approver"]
    verdict: DecisionValue | None = Field(description="Null until they give one")
    comment: str
    responded_at: dt.datetime | None


class CaseGapOut(_OfStatement):
    text: str
    title: str
    accepted: bool = Field(description="The person took it into their development plan")
    action_item: str | None = Field(description="The action item it became (id)")


class SnapshotOut(Schema):
    figure: str = Field(description="e.g. “5 of 5 statements, 100%”")
    ready: bool
    rule: str
    cycle: str | None = Field(description="The review cycle it was read from (id)")


class FileOut(Schema):
    id: str
    ref: str = Field(description="“artifact:id”: cite it in `evidence` of a PATCH")
    name: str
    content_type: str = Field(description="Found from the file's bytes")
    size: int
    sha256: str
    description: str
    uploaded_by: str
    uploaded_at: dt.datetime


def file_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.public_id,
        "ref": f"artifact:{a.public_id}",
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "description": a.description,
        "uploaded_by": a.uploaded_by_label,
        "uploaded_at": a.uploaded_at,
    }


class PromotionOut(Schema):
    id: str
    person: str
    person_name: str
    family: str = Field(description="The job family's key")
    from_level: str = Field(description="The level's code when the case was opened")
    target_level: str = Field(description="The level's code one step up")
    target_level_title: str
    changes_track: bool = Field(description="From IC to Manager or back")
    status: CaseStatus
    round: str | None = Field(description="The promotion round's id")
    summary: str | None = Field(description="The case in a few sentences (null: outcome only)")
    readiness: SnapshotOut | None = Field(description="The readiness rule when it was opened")
    case: list[CaseStatementOut] | None = Field(
        description="Per statement of the target level: the manager's words and evidence "
        "(null for the nominee, who sees only the outcome)"
    )
    reviewers: list[ReviewerOut] | None = Field(description="Reviewers and approvers")
    files: list[FileOut] | None = Field(description="Files attached to the case")
    decision: DecisionValue | None
    rationale: str = Field(description="Why it was decided (or withdrawn)")
    effective_date: dt.date | None = Field(description="When the new level takes effect")
    decided_at: dt.datetime | None
    decided_by: str | None = Field(description="Who decided (name)")
    gaps: list[CaseGapOut] = Field(description="For “not yet”: what to work on before next time")
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


class PromotionList(ListOut):
    items: list[PromotionOut]


def readable_cases(request: ApiRequest) -> QuerySet[PromotionCase]:
    """Every case the caller may read: those they may see in full, and their own decided
    cases (the outcome only). Everything a case shows comes in a constant number of
    queries."""
    viewer = viewer_of(request)
    readable = Q(pk__in=access.visible_cases(viewer).values("pk"))
    if viewer.pk is not None:
        readable |= Q(person_id=viewer.pk, status=PromotionCase.Status.DECIDED)
    return (
        PromotionCase.objects.filter(readable)
        .select_related("person", "family", "round")
        .prefetch_related(
            "statements",
            # a list on each statement: a related manager per statement (hundreds on a
            # page of cases) cost more than the queries themselves
            Prefetch("statements__evidence", to_attr="evidence_list"),
            "reviewers__person",
            "gaps__acceptance__action_item",
            "artifacts",
        )
        .order_by("-created_at", "-id")
    )


def _evidence(statement: Any) -> list[dict[str, Any]]:
    found = getattr(statement, "evidence_list", None)
    return [
        {"ref": e.ref, "kind": e.kind, "label": e.label, "detail": e.detail, "date": e.dated}
        for e in (statement.evidence.all() if found is None else found)
    ]


def _gap(gap: Any) -> dict[str, Any]:
    acceptance = getattr(gap, "acceptance", None)
    item = acceptance.action_item if acceptance else None
    return {
        "statement": gap.statement_uid,
        "competency": gap.competency_uid,
        "competency_name": gap.competency_name,
        "text": gap.text,
        "title": gap.title,
        "accepted": acceptance is not None,
        "action_item": item.public_id if item else None,
    }


def promotion_out(case: PromotionCase, viewer_pk: int | None) -> dict[str, Any]:
    """A case as the caller sees it: in full, or (the nominee) only its outcome."""
    full = case.person_id != viewer_pk
    snapshot = case.readiness or {}
    return {
        "id": case.public_id,
        "person": case.person.public_id,
        "person_name": case.person.name,
        "family": case.family.key,
        "from_level": case.from_level_code,
        "target_level": case.target_level_code,
        "target_level_title": case.target_level_title,
        "changes_track": case.changes_track,
        "status": case.status,
        "round": case.round.public_id if case.round else None,
        "summary": case.summary if full else None,
        "readiness": (
            {
                "figure": snapshot.get("figure", ""),
                "ready": bool(snapshot.get("ready")),
                "rule": snapshot.get("rule", ""),
                "cycle": snapshot.get("cycle_id") or None,
            }
            if full and snapshot
            else None
        ),
        "case": (
            [
                {
                    "statement": s.statement_uid,
                    "competency": s.competency_uid,
                    "competency_name": s.competency_name,
                    "level": s.level_code,
                    "text": s.text,
                    "argument": s.argument,
                    "evidence": _evidence(s),
                }
                for s in case.statements.all()
            ]
            if full
            else None
        ),
        "reviewers": (
            [
                {
                    "person": r.person.public_id,
                    "name": r.person.name,
                    "role": r.role,
                    "verdict": r.verdict or None,
                    "comment": r.comment,
                    "responded_at": r.responded_at,
                }
                for r in case.reviewers.all()
            ]
            if full
            else None
        ),
        "files": [file_out(a) for a in case.artifacts.all()] if full else None,
        "decision": case.decision or None,
        "rationale": case.rationale,
        "effective_date": case.effective_date,
        "decided_at": case.decided_at,
        "decided_by": (case.decided_by_label or None) if full else None,
        "gaps": [_gap(g) for g in case.gaps.all()],
        "revision": case.revision,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "submitted_at": case.submitted_at,
        "withdrawn_at": case.withdrawn_at,
    }


def reread(request: ApiRequest, case: PromotionCase) -> dict[str, Any]:
    """The case read again, as the caller now sees it."""
    return promotion_out(readable_cases(request).get(pk=case.pk), viewer_of(request).pk)


def full_cases(request: ApiRequest) -> QuerySet[PromotionCase]:
    """The cases the caller sees in full (not the nominee's outcome)."""
    viewer_pk = viewer_of(request).pk
    cases = readable_cases(request)
    return cases.exclude(person_id=viewer_pk) if viewer_pk is not None else cases


def to_write(request: ApiRequest, id: str) -> PromotionCase:
    """A case the caller sees in full (404 otherwise); the nominee only reads theirs."""
    case = get_or_404(readable_cases(request), id)
    if case.person_id == viewer_of(request).pk:
        raise PermissionDenied(
            "This is your own promotion case: you can read its outcome, and HR or your "
            "managers make any change."
        )
    return case


def people_named(ids: list[str], field: str) -> list[Person]:
    found = {p.public_id: p for p in Person.objects.filter(public_id__in=ids)}
    for public_id in ids:
        if public_id not in found:
            raise invalid(field, f"There is no person with the id “{public_id}”.")
    return [found[i] for i in ids]
