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
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from api.common import (
    MAX_INT,
    Input,
    ListOut,
    Page,
    family_or_none,
    get_or_404,
    get_or_invalid,
    page_of,
    require_role,
)
from api.errors import invalid
from api.routers.growth import ActionItemOut, item_out
from api.routers.reviews import RevisionIn
from fairness.selectors import fairness_analysis
from frameworks.models import Level
from growth.models import ActionItem
from people.models import Person
from promotions import access, services
from promotions.models import PromotionCase, PromotionRound
from promotions.selectors import evidence_options, readiness_list
from promotions.services.artifacts import max_bytes
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


def _out(request: HttpRequest, case: PromotionCase) -> dict[str, Any]:
    """The case read again, as the caller now sees it."""
    return promotion_out(_cases(request).get(pk=case.pk), _viewer(request).pk)


def _full(request: HttpRequest) -> QuerySet[PromotionCase]:
    """The cases the caller sees in full (not the nominee's outcome)."""
    viewer_pk = _viewer(request).pk
    cases = _cases(request)
    return cases.exclude(person_id=viewer_pk) if viewer_pk is not None else cases


def _to_write(request: HttpRequest, id: str) -> PromotionCase:
    """A case the caller sees in full (404 otherwise); the nominee only reads theirs."""
    case = get_or_404(_cases(request), id)
    if case.person_id == _viewer(request).pk:
        raise PermissionDenied(
            "This is your own promotion case: you can read its outcome, and HR or your "
            "managers make any change."
        )
    return case


# --- readiness -----------------------------------------------------------------------------


class TargetOut(Schema):
    level: str = Field(description="A level one step up (code)")
    title: str
    track: str
    changes_track: bool
    ready: bool
    figure: str = Field(description="e.g. “5 of 5 statements, 100%”")
    assessed: bool = Field(description="False when no review cycle rated this level yet")


class CandidateOut(Schema):
    person: str
    name: str
    family: str | None = Field(description="The job family's key")
    level: str = Field(description="The person's level (code)")
    level_title: str
    cycle: str | None = Field(description="The released review cycle it was read from (id)")
    ready: bool = Field(description="Meets the readiness rule for a level one step up")
    targets: list[TargetOut]
    open_case: str | None = Field(description="Their open promotion case (id)")


class CandidateList(ListOut):
    items: list[CandidateOut]
    rule: str = Field(description="The organization's readiness rule, in words")


class ReadinessFilters(Input):
    family: str | None = Field(None, max_length=60, description="A job family's key")
    level: str | None = Field(None, max_length=20, description="A level code")
    manager: str | None = Field(None, max_length=16, description="Below this manager (id)")
    everyone: bool = Field(False, description="Also those not ready (default: only the ready)")


def candidate_out(c: Any) -> dict[str, Any]:
    return {
        "person": c.person.public_id,
        "name": c.person.name,
        "family": c.person.job_family.key if c.person.job_family else None,
        "level": c.level_code,
        "level_title": c.level_title,
        "cycle": c.cycle.public_id if c.cycle else None,
        "ready": c.ready,
        "targets": [
            {
                "level": t.level_code,
                "title": t.level_title,
                "track": t.track,
                "changes_track": t.changes_track,
                "ready": t.ready,
                "figure": t.readiness.figure,
                "assessed": t.readiness.assessed,
            }
            for t in c.targets
        ],
        "open_case": c.open_case.public_id if c.open_case else None,
    }


@router.get("/promotions/readiness", response=CandidateList, summary="Who is ready for a level up")
def promotion_readiness(
    request: HttpRequest, page: Query[Page], filters: Query[ReadinessFilters]
) -> dict[str, Any]:
    """By the organization's readiness rule, read from each person's latest released
    review (the figure their gap report shows): HR see everyone, a manager the people
    below them. Ready people first."""
    viewer = _viewer(request)
    if not (viewer.is_admin or viewer.reports):
        raise PermissionDenied("The readiness list is for HR and for managers of a team.")
    family = family_or_none(filters.family) if filters.family else None
    found = readiness_list(
        request.organization,  # type: ignore[attr-defined]
        viewer,
        family=family.public_id if family else ("-" if filters.family else ""),
        level=filters.level or "",
        manager=filters.manager or "",
        everyone=filters.everyone,
    )
    return {**page_of(request, found.candidates, page, candidate_out), "rule": found.rule_words}


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
    person = get_or_404(Person.objects.all(), payload.person)
    if not access.can_open_for(_viewer(request), person):
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
    """While the case is a draft: its `summary`, the words and evidence of some statements
    (`case`); until it is decided: its `reviewers` and `approvers` (verdicts are given on
    the case as it was sent). Send the `revision` you read (409 when stale). A decided or
    withdrawn case answers 409 and never changes."""
    case = _to_write(request, id)
    with transaction.atomic():
        case.revision = payload.revision
        if payload.summary is not None or payload.case is not None:
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


# --- evidence one may cite, gaps the nominee accepts -----------------------------------------


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
def evidence_choices(request: HttpRequest, id: str) -> dict[str, Any]:
    """Per statement of the case, what it may cite (its ratings in the person's released
    reviews — self and manager only —, the action items on its competency, the case's
    files) and whether it cites it now. Send the `ref`s in a PATCH's `case.evidence`."""
    case = _to_write(request, id)
    if not access.can_write(case, _viewer(request)):
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
def accept_gap(request: HttpRequest, id: str, statement: str) -> Status:
    """The nominee, after a “not yet”: one of the decision's gaps becomes an action item of
    their development plan (once)."""
    case = get_or_404(_cases(request), id)
    gap = next((g for g in case.gaps.all() if g.statement_uid == statement), None)
    if gap is None:
        raise Http404("Not found")
    item = services.accept_gap(gap, actor=request.user)
    return Status(
        201, item_out(ActionItem.objects.select_related("person", "owner").get(pk=item.pk))
    )


# --- rounds --------------------------------------------------------------------------------


class MemberOut(Schema):
    person: str
    name: str


class RoundOut(Schema):
    id: str
    name: str
    status: Literal["open", "closed"]
    decide_by: dt.date | None = Field(description="When the committee meets")
    notes: str
    committee: list[MemberOut]
    cases: list[str] = Field(description="The promotion cases in it (ids)")
    revision: int
    created_at: dt.datetime
    closed_at: dt.datetime | None


class RoundList(ListOut):
    items: list[RoundOut]


def _rounds(request: HttpRequest) -> QuerySet[PromotionRound]:
    return (
        access.visible_rounds(_viewer(request))
        .prefetch_related("members__person", "cases")
        .order_by("status", "-created_at", "-id")
    )


def round_out(found: PromotionRound) -> dict[str, Any]:
    return {
        "id": found.public_id,
        "name": found.name,
        "status": found.status,
        "decide_by": found.decide_by,
        "notes": found.notes,
        "committee": [
            {"person": m.person.public_id, "name": m.person.name} for m in found.members.all()
        ],
        "cases": [c.public_id for c in found.cases.all()],
        "revision": found.revision,
        "created_at": found.created_at,
        "closed_at": found.closed_at,
    }


@router.get("/promotion-rounds", response=RoundList, summary="List promotion rounds")
def list_rounds(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """HR see every round; committee members the rounds they sit on."""
    return page_of(request, _rounds(request), page, round_out)


class RoundFields(Input):
    decide_by: dt.date | None = None
    notes: str = Text


class RoundCreate(RoundFields):
    name: str = Field(max_length=120)
    committee: list[str] = Field(max_length=50, description="Who decides (person ids)")
    cases: list[str] = Field([], max_length=200, description="Open promotion cases (ids)")


class RoundPatch(Input):
    revision: int = Revision
    name: str | None = Field(None, max_length=120)
    committee: list[str] | None = Field(None, max_length=50)
    cases: list[str] | None = Field(None, max_length=200)
    decide_by: dt.date | None = None
    notes: str | None = Field(None, max_length=5000)


def _case_list(ids: list[str]) -> list[PromotionCase]:
    found = {c.public_id: c for c in PromotionCase.objects.filter(public_id__in=ids)}
    for public_id in ids:
        if public_id not in found:
            raise invalid("cases", f"There is no promotion case with the id “{public_id}”.")
    return [found[i] for i in ids]


@router.post("/promotion-rounds", response={201: RoundOut}, summary="Set up a promotion round (HR)")
def create_round(request: HttpRequest, payload: RoundCreate) -> Status:
    """A committee reviews a batch of open cases side by side and decides them."""
    require_role(request)
    found = services.create_round(
        request.organization,  # type: ignore[attr-defined]
        actor=request.user,
        name=payload.name,
        committee=_people(payload.committee, "committee"),
        cases=_case_list(payload.cases),
        decide_by=payload.decide_by,
        notes=payload.notes,
    )
    return Status(201, round_out(_rounds(request).get(pk=found.pk)))


@router.get("/promotion-rounds/{id}", response=RoundOut, summary="Read a promotion round")
def get_round(request: HttpRequest, id: str) -> dict[str, Any]:
    return round_out(get_or_404(_rounds(request), id))


@router.patch("/promotion-rounds/{id}", response=RoundOut, summary="Change a round (HR)")
def change_round(request: HttpRequest, id: str, payload: RoundPatch) -> dict[str, Any]:
    """Its name, committee, open cases, date or notes (what you leave out stays). A closed
    round answers 409."""
    found = get_or_404(_rounds(request), id)
    require_role(request)
    data = payload.model_dump(exclude_unset=True)
    services.update_round(
        found,
        actor=request.user,
        expected_revision=payload.revision,
        name=payload.name if payload.name is not None else found.name,
        committee=(
            _people(payload.committee, "committee")
            if payload.committee is not None
            else [m.person for m in found.members.all()]
        ),
        cases=(
            _case_list(payload.cases)
            if payload.cases is not None
            else [c for c in found.cases.all() if c.is_open]
        ),
        decide_by=data.get("decide_by", found.decide_by),
        notes=payload.notes if payload.notes is not None else found.notes,
    )
    return round_out(_rounds(request).get(pk=found.pk))


@router.post("/promotion-rounds/{id}/close", response=RoundOut, summary="Close a round (HR)")
def close_round(request: HttpRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Once every case in it is decided or withdrawn."""
    found = get_or_404(_rounds(request), id)
    require_role(request)
    services.close_round(found, actor=request.user, expected_revision=payload.revision)
    return round_out(_rounds(request).get(pk=found.pk))


# --- files ---------------------------------------------------------------------------------


def _file(case: PromotionCase, file_id: str) -> Any:
    found = next((a for a in case.artifacts.all() if a.public_id == file_id), None)
    if found is None:
        raise Http404("Not found")
    return found


class FileForm(Input):
    revision: int = Revision
    description: str = Field("", max_length=300)


@router.post("/promotions/{id}/files", response={201: FileOut}, summary="Attach a file to a case")
def attach_file(
    request: HttpRequest, id: str, file: File[UploadedFile], data: Form[FileForm]
) -> Status:
    """Multipart `file` (PDF, Word, Excel, PowerPoint, PNG or JPEG images, plain text; at
    most 10 MB; its type is found from its bytes, not its name) with the case's
    `revision`. Cite it in `case.evidence` by its `ref`."""
    case = _to_write(request, id)
    if file.size and file.size > max_bytes():
        mb = max_bytes() // (1024 * 1024)
        raise invalid("file", f"“{file.name}” is larger than {mb} MB. Attach a smaller file.")
    found = services.upload_artifact(
        case,
        actor=request.user,
        expected_revision=data.revision,
        name=file.name or "file",
        data=file.read(),
        description=data.description,
    )
    return Status(201, file_out(found))


@router.get(
    "/promotions/{id}/files/{file}",
    summary="Download a file of a case",
    response={200: None},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as a download",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_file(request: HttpRequest, id: str, file: str) -> HttpResponse:
    """Always as a download, with the type found from its bytes."""
    found = _file(get_or_404(_full(request), id), file)
    with found.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/promotions/{id}/files/{file}/remove",
    response=PromotionOut,
    summary="Remove a file from a case",
)
def remove_file(request: HttpRequest, id: str, file: str, payload: RevisionIn) -> dict[str, Any]:
    """And the evidence that cited it; only while the case is open."""
    case = _to_write(request, id)
    services.remove_artifact(
        _file(case, file), actor=request.user, expected_revision=payload.revision
    )
    return _out(request, case)
