"""/promotions: list, read, open, write, send, withdraw, give a verdict on and decide a
case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from ninja import Field, Query, Router, Status

from api.auth import ApiRequest
from api.common import MAX_INT, Input, Page, get_or_404, get_or_invalid, page_of
from api.routers.promotions.shapes import (
    CaseStatus,
    DecisionValue,
    PromotionList,
    PromotionOut,
    Revision,
    Text,
    people_named,
    promotion_out,
    readable_cases,
    reread,
    to_write,
    viewer_of,
)
from api.routers.reviews import RevisionIn
from frameworks.models import Level
from people.models import Person
from promotions import access, services
from promotions.models import PromotionCase, PromotionRound
from reviews import framework_adapter as fw

router = Router()


# --- list, read, open ----------------------------------------------------------------------


class CaseFilters(Input):
    status: CaseStatus | None = None
    person: str | None = Field(None, max_length=16, description="One person's cases (id)")
    round: str | None = Field(None, max_length=16, description="One promotion round's (id)")


@router.get("/promotions", response=PromotionList, summary="List promotion cases")
def list_promotions(
    request: ApiRequest, page: Query[Page], filters: Query[CaseFilters]
) -> dict[str, Any]:
    """HR see every case (but their own); a manager the cases of the people below them and
    those they review, approve or decide in a round; everyone the outcome of their own
    decided cases."""
    qs = readable_cases(request)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.person:
        qs = qs.filter(person__public_id=filters.person)
    if filters.round:
        qs = qs.filter(round__public_id=filters.round)
    viewer_pk = viewer_of(request).pk
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
    request: ApiRequest,
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
def open_promotion(request: ApiRequest, payload: PromotionCreate) -> Status:
    """HR and the managers above someone open a case for them, towards a level one step up
    (`target_level`). The case copies that level's statements (`case`) from the current
    published ladder with the readiness figure, and starts with the ratings and action
    items that speak to each statement. Send `case` to write it at once; then PATCH it,
    and send it for review with /promotions/{id}/submit."""
    person = get_or_404(Person.objects.all(), payload.person)
    if not access.can_open_for(viewer_of(request), person):
        raise Http404("Not found")  # as the pages: only someone one may open a case for
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
    return Status(201, reread(request, case))


@router.get("/promotions/{id}", response=PromotionOut, summary="Read a promotion case")
def get_promotion(request: ApiRequest, id: str) -> dict[str, Any]:
    return promotion_out(get_or_404(readable_cases(request), id), viewer_of(request).pk)


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


@router.patch("/promotions/{id}", response=PromotionOut, summary="Write a promotion case")
def change_promotion(request: ApiRequest, id: str, payload: PromotionPatch) -> dict[str, Any]:
    """While the case is a draft: its `summary`, the words and evidence of some statements
    (`case`); until it is decided: its `reviewers` and `approvers` (verdicts are given on
    the case as it was sent). Send the `revision` you read (409 when stale). A decided or
    withdrawn case answers 409 and never changes."""
    case = to_write(request, id)
    with transaction.atomic():
        case.revision = payload.revision
        if payload.summary is not None or payload.case is not None:
            _save(request, case, payload.revision, payload.summary, payload.case)
        if payload.reviewers is not None or payload.approvers is not None:
            named: dict[str, list[Person]] = {"reviewer": [], "approver": []}
            for r in case.reviewers.all():
                named[r.role].append(r.person)
            if payload.reviewers is not None:
                named["reviewer"] = people_named(payload.reviewers, "reviewers")
            if payload.approvers is not None:
                named["approver"] = people_named(payload.approvers, "approvers")
            services.set_case_people(
                case,
                actor=request.user,
                expected_revision=case.revision,
                reviewers=named["reviewer"],
                approvers=named["approver"],
            )
    return reread(request, case)


@router.post("/promotions/{id}/submit", response=PromotionOut, summary="Send a case for review")
def submit_promotion(request: ApiRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Every statement needs the manager's words first (422 names the missing ones)."""
    case = to_write(request, id)
    services.submit_case(case, actor=request.user, expected_revision=payload.revision)
    return reread(request, case)


class WithdrawIn(Input):
    revision: int = Revision
    reason: str = Field(max_length=5000, description="Why the case is withdrawn")


@router.post("/promotions/{id}/withdraw", response=PromotionOut, summary="Withdraw a case")
def withdraw_promotion(request: ApiRequest, id: str, payload: WithdrawIn) -> dict[str, Any]:
    """Close an open case without a decision (e.g. the person moved on)."""
    case = to_write(request, id)
    services.withdraw_case(
        case, actor=request.user, expected_revision=payload.revision, reason=payload.reason
    )
    return reread(request, case)


# --- verdicts and the decision -------------------------------------------------------------


class VerdictIn(Input):
    verdict: DecisionValue
    comment: str = Text


@router.post("/promotions/{id}/verdict", response=PromotionOut, summary="Give your verdict")
def give_verdict(request: ApiRequest, id: str, payload: VerdictIn) -> dict[str, Any]:
    """The case's reviewers and approvers, while it is in review (they may change it until
    the case is decided)."""
    case = to_write(request, id)
    services.record_verdict(case, actor=request.user, **payload.model_dump())
    return reread(request, case)


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
def decide_promotion(request: ApiRequest, id: str, payload: DecisionIn) -> dict[str, Any]:
    """HR, the case's approvers and its round's committee decide a case in review. Approval
    needs every approver's approval first, and moves the person to the target level from
    `effective_date` (their level history says so). The decision, and everything it rested
    on, is kept: a decided case answers 409 to any change."""
    case = to_write(request, id)
    services.decide_case(
        case,
        actor=request.user,
        expected_revision=case.revision if payload.revision is None else payload.revision,
        decision=payload.decision,
        rationale=payload.rationale,
        effective_date=payload.effective_date,
        gaps=payload.gaps,
    )
    return reread(request, case)
