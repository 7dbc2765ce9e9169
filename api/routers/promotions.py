"""/promotions: promotion cases through `promotions.services` (every change: checks,
revision, audit; a decided case is immutable) and `promotions.access` (who sees and does
what — the pages' rules): HR and the managers above the person open and write a case;
its reviewers and approvers and its round's committee see it; HR, approvers and the
committee decide; the nominee reads only the outcome of their own decided case.

/analytics/promotions: the promotion-fairness figures (`fairness.selectors`), HR only."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from api.common import (
    MAX_INT,
    Input,
    ListOut,
    Page,
    get_or_404,
    get_or_invalid,
    page_of,
    require_role,
)
from api.errors import invalid
from api.routers.reviews import RevisionIn
from fairness.selectors import fairness_analysis
from frameworks.models import Level
from people.models import Person
from people.selectors import visible_people
from promotions import access, services
from promotions.models import PromotionCase, PromotionRound
from reviews import framework_adapter as fw

router = Router(tags=["promotions"])

Revision = Field(ge=0, le=MAX_INT, description="The revision you read; a stale one is 409")
CaseStatus = Literal["draft", "in_review", "decided", "withdrawn"]
DecisionValue = Literal["approve", "not_yet", "decline"]
Uid = Field(max_length=16, description="A uid")
Text = Field("", max_length=5000)


def _viewer(request: HttpRequest) -> access.Viewer:
    from growth.access import viewer_for

    return viewer_for(request.user, request.membership)  # type: ignore[attr-defined]


# --- what a case looks like --------------------------------------------------------------


class EvidenceOut(Schema):
    ref: str = Field(description="“kind:id”: cite it in `evidence` of a PATCH")
    kind: Literal["rating", "action_item", "artifact"]
    label: str
    detail: str
    date: dt.date | None


class CaseStatementOut(Schema):
    statement: str = Field(description="The statement's uid")
    competency: str = Field(description="The competency's uid")
    competency_name: str
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


class CaseGapOut(Schema):
    statement: str = Field(description="The statement's uid")
    competency: str = Field(description="The competency's uid")
    competency_name: str
    text: str
    title: str
    accepted: bool = Field(description="The person took it into their development plan")
    action_item: str | None = Field(description="The action item it became (id)")


class SnapshotOut(Schema):
    figure: str = Field(description="e.g. “5 of 5 statements, 100%”")
    ready: bool
    rule: str
    cycle: str | None = Field(description="The review cycle it was read from (id)")


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


def _cases(request: HttpRequest) -> QuerySet[PromotionCase]:
    """Every case the caller may read: those they may see in full, and their own decided
    cases (the outcome only). Everything a case shows comes in a constant number of
    queries."""
    viewer = _viewer(request)
    readable = Q(pk__in=access.visible_cases(viewer).values("pk"))
    if viewer.pk is not None:
        readable |= Q(person_id=viewer.pk, status=PromotionCase.Status.DECIDED)
    return (
        PromotionCase.objects.filter(readable)
        .select_related("person", "family", "round")
        .prefetch_related(
            "statements__evidence", "reviewers__person", "gaps__acceptance__action_item"
        )
        .order_by("-created_at", "-id")
    )


def _evidence(statement: Any) -> list[dict[str, Any]]:
    return [
        {"ref": e.ref, "kind": e.kind, "label": e.label, "detail": e.detail, "date": e.dated}
        for e in statement.evidence.all()
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


def _out(request: HttpRequest, case: PromotionCase) -> dict[str, Any]:
    """The case read again, as the caller now sees it."""
    return promotion_out(_cases(request).get(pk=case.pk), _viewer(request).pk)


def _to_write(request: HttpRequest, id: str) -> PromotionCase:
    """A case the caller sees in full (404 otherwise); the nominee only reads theirs."""
    case = get_or_404(_cases(request), id)
    if case.person_id == _viewer(request).pk:
        raise PermissionDenied(
            "This is your own promotion case: you can read its outcome, and HR or your "
            "managers make any change."
        )
    return case


# --- list, read, open ----------------------------------------------------------------------


class CaseFilters(Input):
    status: CaseStatus | None = None
    person: str | None = Field(None, max_length=16, description="One person's cases (id)")
    round: str | None = Field(None, max_length=16, description="One promotion round's (id)")


@router.get("/promotions", response=PromotionList, summary="List promotion cases")
def list_promotions(
    request: HttpRequest, page: Query[Page], filters: Query[CaseFilters]
) -> dict[str, Any]:
    """HR see every case (but their own); a manager the cases of the people below them and
    those they review, approve or decide in a round; everyone the outcome of their own
    decided cases."""
    qs = _cases(request)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.person:
        qs = qs.filter(person__public_id=filters.person)
    if filters.round:
        qs = qs.filter(round__public_id=filters.round)
    viewer_pk = _viewer(request).pk
    return page_of(request, qs, page, lambda case: promotion_out(case, viewer_pk))


class StatementIn(Input):
    statement: str = Field(max_length=16, description="A statement's uid (see `case`)")
    argument: str | None = Field(
        None, max_length=5000, description="How the person shows it (replaces what was there)"
    )
    evidence: list[str] | None = Field(
        None,
        max_length=100,
        description="The evidence it cites, as `ref`s (“rating:…”, “action_item:…”, "
        "“artifact:…”; see /promotions/{id}/evidence); replaces what it cited",
    )


class PromotionCreate(Input):
    person: str = Field(max_length=16, description="Who is nominated (id)")
    target_level: str = Field(max_length=20, description="A level one step up (code)")
    summary: str = Text
    round: str | None = Field(None, max_length=16, description="An open promotion round (id)")
    case: list[StatementIn] | None = Field(
        None, max_length=200, description="The manager's words and evidence per statement"
    )


def _target_uid(person: Person, code: str) -> str:
    """The uid of the level with this code in the person's current published ladder ("" if
    none: the service then names the levels one may choose)."""
    place = fw.level_of(person)
    if place.family_id is None:
        return ""
    version = fw.current_versions([place.family_id]).get(place.family_id)
    if version is None:
        return ""
    uid = Level.objects.filter(version=version, code=code).values_list("uid", flat=True).first()
    return uid or ""


def _round(public_id: str | None) -> PromotionRound | None:
    if not public_id:
        return None
    return get_or_invalid(PromotionRound.objects.all(), public_id, "round", "promotion round")


def _save(
    request: HttpRequest,
    case: PromotionCase,
    revision: int,
    summary: str | None,
    statements: list[StatementIn] | None,
) -> None:
    arguments = {s.statement: s.argument for s in statements or [] if s.argument is not None}
    evidence = {s.statement: s.evidence for s in statements or [] if s.evidence is not None}
    services.save_case(
        case,
        actor=request.user,
        expected_revision=revision,
        summary=summary,
        arguments=arguments,
        evidence=evidence,
    )


@router.post("/promotions", response={201: PromotionOut}, summary="Open a promotion case")
def open_promotion(request: HttpRequest, payload: PromotionCreate) -> Status:
    """HR and the managers above someone open a case for them, towards a level one step up
    (`target_level`). The case copies that level's statements (`case`) from the current
    published ladder with the readiness figure, and starts with the ratings and action
    items that speak to each statement. Send `case` to write it at once; then PATCH it,
    and send it for review with /promotions/{id}/submit."""
    visible = visible_people(request.user, request.membership)  # type: ignore[attr-defined]
    person = get_or_404(visible, payload.person)
    with transaction.atomic():
        case = services.open_case(
            person,
            actor=request.user,
            target_level_uid=_target_uid(person, payload.target_level),
            summary=payload.summary,
            round=_round(payload.round),
        )
        if payload.case:
            _save(request, case, case.revision, None, payload.case)
    return Status(201, _out(request, case))


@router.get("/promotions/{id}", response=PromotionOut, summary="Read a promotion case")
def get_promotion(request: HttpRequest, id: str) -> dict[str, Any]:
    return promotion_out(get_or_404(_cases(request), id), _viewer(request).pk)


# --- write, send, withdraw -----------------------------------------------------------------


class PromotionPatch(Input):
    revision: int = Revision
    summary: str | None = Field(None, max_length=5000)
    case: list[StatementIn] | None = Field(
        None, max_length=200, description="Statements to change; the others stay as they are"
    )
    reviewers: list[str] | None = Field(
        None, max_length=50, description="Who gives a recommendation (ids; replaces the list)"
    )
    approvers: list[str] | None = Field(
        None, max_length=50, description="Who must approve (ids; replaces the list)"
    )


def _people(ids: list[str], field: str) -> list[Person]:
    found = {p.public_id: p for p in Person.objects.filter(public_id__in=ids)}
    for public_id in ids:
        if public_id not in found:
            raise invalid(field, f"There is no person with the id “{public_id}”.")
    return [found[i] for i in ids]


@router.patch("/promotions/{id}", response=PromotionOut, summary="Write a promotion case")
def change_promotion(request: HttpRequest, id: str, payload: PromotionPatch) -> dict[str, Any]:
    """While the case is open: its `summary`, the words and evidence of some statements
    (`case`), its `reviewers` and `approvers`. Send the `revision` you read (409 when
    stale). A decided or withdrawn case answers 409 and never changes."""
    case = _to_write(request, id)
    with transaction.atomic():
        _save(request, case, payload.revision, payload.summary, payload.case)
        if payload.reviewers is not None or payload.approvers is not None:
            named: dict[str, list[Person]] = {"reviewer": [], "approver": []}
            for r in case.reviewers.all():
                named[r.role].append(r.person)
            if payload.reviewers is not None:
                named["reviewer"] = _people(payload.reviewers, "reviewers")
            if payload.approvers is not None:
                named["approver"] = _people(payload.approvers, "approvers")
            services.set_case_people(
                case,
                actor=request.user,
                expected_revision=case.revision,
                reviewers=named["reviewer"],
                approvers=named["approver"],
            )
    return _out(request, case)


@router.post("/promotions/{id}/submit", response=PromotionOut, summary="Send a case for review")
def submit_promotion(request: HttpRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Every statement needs the manager's words first (422 names the missing ones)."""
    case = _to_write(request, id)
    services.submit_case(case, actor=request.user, expected_revision=payload.revision)
    return _out(request, case)


class WithdrawIn(Input):
    revision: int = Revision
    reason: str = Field(max_length=5000, description="Why the case is withdrawn")


@router.post("/promotions/{id}/withdraw", response=PromotionOut, summary="Withdraw a case")
def withdraw_promotion(request: HttpRequest, id: str, payload: WithdrawIn) -> dict[str, Any]:
    """Close an open case without a decision (e.g. the person moved on)."""
    case = _to_write(request, id)
    services.withdraw_case(
        case, actor=request.user, expected_revision=payload.revision, reason=payload.reason
    )
    return _out(request, case)


# --- verdicts and the decision -------------------------------------------------------------


class VerdictIn(Input):
    verdict: DecisionValue
    comment: str = Text


@router.post("/promotions/{id}/verdict", response=PromotionOut, summary="Give your verdict")
def give_verdict(request: HttpRequest, id: str, payload: VerdictIn) -> dict[str, Any]:
    """The case's reviewers and approvers, while it is in review (they may change it until
    the case is decided)."""
    case = _to_write(request, id)
    services.record_verdict(
        case, actor=request.user, verdict=payload.verdict, comment=payload.comment
    )
    return _out(request, case)


class DecisionIn(Input):
    decision: DecisionValue
    rationale: str = Field(
        max_length=5000, description="Why: the decision against the level's statements"
    )
    effective_date: dt.date | None = Field(
        None, description="When the new level takes effect (required to approve)"
    )
    gaps: list[str] | None = Field(
        None,
        max_length=200,
        description="For “not yet”: statement uids to work on (default: those the readiness "
        "rule found missing)",
    )
    revision: int | None = Field(
        None, ge=0, le=MAX_INT, description="The revision you read (optional; stale is 409)"
    )


@router.post("/promotions/{id}/decision", response=PromotionOut, summary="Decide a promotion case")
def decide_promotion(request: HttpRequest, id: str, payload: DecisionIn) -> dict[str, Any]:
    """HR, the case's approvers and its round's committee decide a case in review. Approval
    needs every approver's approval first, and moves the person to the target level from
    `effective_date` (their level history says so). The decision, and everything it rested
    on, is kept: a decided case answers 409 to any change."""
    case = _to_write(request, id)
    services.decide_case(
        case,
        actor=request.user,
        expected_revision=case.revision if payload.revision is None else payload.revision,
        decision=payload.decision,
        rationale=payload.rationale,
        effective_date=payload.effective_date,
        gaps=payload.gaps,
    )
    return _out(request, case)


# --- analytics -----------------------------------------------------------------------------


class FairnessGroupOut(Schema):
    attribute: str = Field(description="The question, e.g. “Gender”")
    group: str = Field(description="The answer, e.g. “Woman”")
    n: int | None = Field(description="People considered (null when suppressed)")
    promoted: int | None
    rate: float | None = Field(description="promoted / n")
    impact_ratio: float | None = Field(description="rate / the highest rate; flagged < 0.80")
    test: Literal["fisher_exact", "two_proportion_z"] | None
    p_value: float | None
    flag: bool = Field(description="Flagged for review (impact ratio under 0.80)")
    suppressed: bool = Field(description="Fewer than 5 people (or hidden with such a group)")


class FairnessList(ListOut):
    items: list[FairnessGroupOut]


@router.get(
    "/analytics/promotions",
    response=FairnessList,
    summary="Promotion fairness by group (HR admins)",
)
def promotion_analytics(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Per volunteered attribute and group: how many were considered and promoted, the
    rate, the impact ratio against the best-treated group (flagged under 0.80), and
    Fisher's exact test or the two-proportion z-test. Groups under 5 people are
    suppressed. A flag is a prompt to review, not a finding of discrimination."""
    require_role(request)
    analysis, _sources = fairness_analysis()
    return page_of(request, analysis.as_json()["groups"], page, lambda g: g)
