"""/cycles and /forms: review cycles through `reviews.services` (every write: state,
revision, audit) and `reviews.access` (who sees which cycle and form — the pages' rules:
peer and upward answers are never shown one by one, not even whose they are)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, QuerySet
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from api.auth import ApiRequest
from api.common import (
    MAX_INT,
    Input,
    ListOut,
    Page,
    Rating,
    get_or_404,
    is_public_id,
    page_of,
    require_role,
)
from api.errors import invalid
from organizations.actors import Actor
from people.models import Person
from reviews import access, services
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm
from reviews.selectors.completion import completion

router = Router(tags=["reviews"])

Revision = Field(ge=0, le=MAX_INT, description="The revision you read; a stale one is 409")


def _viewer(request: ApiRequest) -> access.Viewer:
    return access.viewer_for(request.user, request.membership)


# --- cycles ------------------------------------------------------------------------------


class Inputs(Input):
    self: bool = Field(True, description="Everyone reviews themselves")
    manager: bool = Field(True, description="Managers review their reports")
    peers: int = Field(0, ge=0, le=20, description="Minimum number of peers; 0 for none")


class Deadlines(Input):
    nominations: dt.date | None = None
    self: dt.date | None = None
    peer: dt.date | None = None
    manager: dt.date | None = None
    calibration: dt.date | None = None


class Counts(Schema):
    total: int
    submitted: int
    in_progress: int
    not_started: int
    late: int


class PhaseCounts(Counts):
    phase: str


class CycleOut(Schema):
    id: str
    name: str
    status: Literal["draft", "open", "calibration", "released", "closed"]
    inputs: dict[str, Any] = Field(description="{self, manager, peers, upward}")
    include_next_level: bool
    deadlines: dict[str, dt.date | None]
    period_start: dt.date | None
    period_end: dt.date | None
    participants: int
    completion: Counts | None = Field(description="Forms by status (once launched)")
    completion_by_phase: list[PhaseCounts]
    revision: int
    created_at: dt.datetime
    launched_at: dt.datetime | None
    released_at: dt.datetime | None


class CycleList(ListOut):
    items: list[CycleOut]


def _counts(c: Any) -> dict[str, int]:
    return {
        "total": c.total,
        "submitted": c.submitted,
        "in_progress": c.in_progress,
        "not_started": c.not_started,
        "late": c.late,
    }


def cycle_out(cycle: ReviewCycle, request: ApiRequest, *, detail: bool = False) -> dict:
    done = None
    phases: list[dict[str, Any]] = []
    if detail and not cycle.is_draft:
        viewer = _viewer(request)
        ids = None
        if not viewer.is_admin:
            ids = list(access.visible_participants(cycle, viewer).values_list("pk", flat=True))
        found = completion(cycle, participant_ids=ids, late_limit=0)
        done = _counts(found.overall)
        phases = [{"phase": str(g.key), **_counts(g.counts)} for g in found.by_phase]
    return {
        "id": cycle.public_id,
        "name": cycle.name,
        "status": cycle.status,
        "inputs": {
            "self": cycle.self_review,
            "manager": cycle.manager_review,
            "peers": cycle.peer_min,
            "upward": cycle.upward,
        },
        "include_next_level": cycle.include_next_level,
        "deadlines": {str(k): v for k, v in cycle.deadlines.items()},
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "participants": cycle.participant_count,  # type: ignore[attr-defined]
        "completion": done,
        "completion_by_phase": phases,
        "revision": cycle.revision,
        "created_at": cycle.created_at,
        "launched_at": cycle.launched_at,
        "released_at": cycle.released_at,
    }


def _cycles(request: ApiRequest) -> QuerySet[ReviewCycle]:
    return (
        access.visible_cycles(_viewer(request))
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-created_at", "-pk")
    )


def _cycle(request: ApiRequest, id: str) -> ReviewCycle:
    return get_or_404(_cycles(request), id)


@router.get("/cycles", response=CycleList, summary="List review cycles")
def list_cycles(request: ApiRequest, page: Query[Page]) -> dict[str, Any]:
    """HR admins see every cycle; others the launched cycles they take part in."""
    return page_of(request, _cycles(request), page, lambda c: cycle_out(c, request))


class CycleCreate(Input):
    name: str = Field(max_length=120)
    participants: list[str] = Field(default_factory=list, max_length=5000)
    inputs: Inputs = Field(default_factory=lambda: Inputs.model_validate({}))
    include_next_level: bool = False
    deadlines: Deadlines = Field(default_factory=lambda: Deadlines.model_validate({}))
    period_start: dt.date | None = None
    period_end: dt.date | None = None


def _people(ids: list[str]) -> list[Person]:
    wanted = list(dict.fromkeys(ids))
    bad = [i for i in wanted if not is_public_id(i)]
    found = {p.public_id: p for p in Person.objects.filter(public_id__in=wanted)}
    missing = bad + [i for i in wanted if i not in found and i not in bad]
    if missing:
        raise invalid("participants", f"No person with the id(s) {', '.join(missing[:10])}.")
    return [found[i] for i in wanted]


@router.post("/cycles", response={201: CycleOut}, summary="Create a review cycle (HR admins)")
def create_cycle(request: ApiRequest, payload: CycleCreate) -> Status:
    """A cycle being set up (`draft`). It pins the published version of each
    participant's family when it is launched."""
    require_role(request)
    cycle = services.create_cycle(
        request.organization,
        name=payload.name,
        actor=request.user,
        participants=_people(payload.participants),
        inputs=payload.inputs.model_dump(),
        include_next_level=payload.include_next_level,
        deadlines=payload.deadlines.model_dump(),
        period=(payload.period_start, payload.period_end),
    )
    return Status(201, cycle_out(_cycle(request, cycle.public_id), request, detail=True))


@router.get("/cycles/{id}", response=CycleOut, summary="Read a review cycle")
def get_cycle(request: ApiRequest, id: str) -> dict[str, Any]:
    """With completion counts (for a manager, of the people they manage)."""
    return cycle_out(_cycle(request, id), request, detail=True)


class RevisionIn(Input):
    revision: int = Revision


def _step(request: ApiRequest, id: str, payload: RevisionIn, step: Any) -> dict[str, Any]:
    require_role(request)
    cycle = _cycle(request, id)
    step(cycle, expected_revision=payload.revision, actor=request.user)
    return cycle_out(_cycle(request, id), request, detail=True)


@router.post("/cycles/{id}/launch", response=CycleOut, summary="Launch (HR admins)")
def launch(request: ApiRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Pins each participant's published ladder and creates the forms."""
    return _step(request, id, payload, services.launch_cycle)


@router.post("/cycles/{id}/calibrate", response=CycleOut, summary="Open calibration (HR admins)")
def calibrate(request: ApiRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Closes the forms (unsubmitted ones stay as they are) and opens calibration: the
    manager's rating of each competency is proposed as the final one."""
    return _step(request, id, payload, services.open_calibration)


def _finalize_and_release(cycle: ReviewCycle, *, expected_revision: int, actor: Actor) -> None:
    if cycle.finalized_at is None:
        services.finalize_calibration(cycle, expected_revision=expected_revision, actor=actor)
        cycle.refresh_from_db()
        expected_revision = cycle.revision
    services.release_cycle(cycle, expected_revision=expected_revision, actor=actor)


@router.post("/cycles/{id}/release", response=CycleOut, summary="Release results (HR admins)")
def release(request: ApiRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """From calibration: fixes the final ratings and shows everyone their results."""
    return _step(request, id, payload, _finalize_and_release)


# --- forms -------------------------------------------------------------------------------


class FormOut(Schema):
    id: str
    cycle: str
    kind: Literal["self", "manager", "peer", "upward"]
    reviewee: str = Field(description="The person reviewed (id)")
    reviewer: str | None = Field(description="Null on peer and upward forms not your own")
    status: Literal["not_started", "in_progress", "submitted"]
    revision: int
    submitted_at: dt.datetime | None


class FormList(ListOut):
    items: list[FormOut]


def form_out(form: ReviewForm, viewer: access.Viewer) -> dict[str, Any]:
    own = viewer.pk is not None and form.reviewer_id == viewer.pk
    return {
        "id": form.public_id,
        "cycle": form.cycle.public_id,
        "kind": form.kind,
        "reviewee": form.participant.person.public_id,
        "reviewer": form.reviewer.public_id if own or not form.is_anonymous else None,
        "status": form.status,
        "revision": form.revision,
        "submitted_at": form.submitted_at,
    }


def _forms(qs: QuerySet[ReviewForm]) -> QuerySet[ReviewForm]:
    return qs.select_related("cycle", "participant__person", "reviewer").order_by(
        "participant__person__name", "kind", "pk"
    )


@router.get("/cycles/{id}/forms", response=FormList, summary="List a cycle's forms")
def list_forms(request: ApiRequest, id: str, page: Query[Page]) -> dict[str, Any]:
    """HR admins list every form; others the forms they write and the self and manager
    reviews of people they manage."""
    viewer = _viewer(request)
    cycle = _cycle(request, id)
    qs = _forms(access.visible_forms(cycle, viewer))
    return page_of(request, qs, page, lambda f: form_out(f, viewer))


class ItemOut(Schema):
    statement: str = Field(description="The statement's uid")
    competency: str = Field(description="The competency's uid")
    competency_name: str
    level: str = Field(description="The level's code")
    section: Literal["level", "next"]
    text: str
    rating: int | None
    comment: str
    evidence: str
    needs_new_rating: bool


class FormDetail(FormOut):
    can_edit: bool
    scale: dict[str, Any]
    overall_comment: str
    items: list[ItemOut]


def _form(request: ApiRequest, id: str) -> tuple[ReviewForm, str, access.Viewer]:
    viewer = _viewer(request)
    qs = ReviewForm.objects.select_related("cycle", "participant__person", "reviewer")
    form = get_or_404(qs, id)
    mode = access.form_access(form, viewer)
    if mode is None:
        raise Http404("Not found")
    return form, mode, viewer


def form_detail(form: ReviewForm, mode: str, viewer: access.Viewer) -> dict[str, Any]:
    items = FormItem.objects.filter(form=form, archived=False).order_by("position", "pk")
    return {
        **form_out(form, viewer),
        "can_edit": mode == "edit",
        "scale": form.cycle.scale,
        "overall_comment": form.overall_comment,
        "items": [
            {
                "statement": i.statement_uid,
                "competency": i.competency_uid,
                "competency_name": i.competency_name,
                "level": i.level_code,
                "section": i.section,
                "text": i.text,
                "rating": i.rating,
                "comment": i.comment,
                "evidence": i.evidence,
                "needs_new_rating": i.needs_new_rating,
            }
            for i in items
        ],
    }


@router.get("/forms/{id}", response=FormDetail, summary="Read a form")
def get_form(request: ApiRequest, id: str) -> dict[str, Any]:
    """Your own forms, and what the pages let you read of others' (never a single peer's
    or upward reviewer's answers)."""
    form, mode, viewer = _form(request, id)
    return form_detail(form, mode, viewer)


class Answer(Input):
    statement: str = Field(max_length=16, description="The statement's uid")
    rating: int | None = Field(None, ge=0, le=100, description="On the cycle's scale")
    comment: str | None = Field(None, max_length=10000)
    evidence: str | None = Field(None, max_length=2000)


class FormPatch(Input):
    revision: int = Revision
    answers: list[Answer] = Field(default_factory=list, max_length=2000)
    overall_comment: str | None = Field(None, max_length=10000)


@router.patch("/forms/{id}", response=FormDetail, summary="Answer a form (its reviewer)")
def answer_form(request: ApiRequest, id: str, payload: FormPatch) -> dict[str, Any]:
    """Send some answers with the form's `revision`; only the fields you send change. A
    submitted form never changes (409), nor does one with a stale revision (409)."""
    form, _mode, viewer = _form(request, id)
    answers = [a.model_dump(exclude_unset=True) for a in payload.answers]
    services.save_answers(
        form,
        answers=answers,
        expected_revision=payload.revision,
        actor=request.user,
        overall_comment=payload.overall_comment,
    )
    form, mode, viewer = _form(request, id)
    return form_detail(form, mode, viewer)


@router.post("/forms/{id}/submit", response=FormDetail, summary="Submit a form (its reviewer)")
def submit_form(request: ApiRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Every statement needs a rating. A submitted form is immutable."""
    form, _mode, viewer = _form(request, id)
    services.submit_form(form, expected_revision=payload.revision, actor=request.user)
    form, mode, viewer = _form(request, id)
    return form_detail(form, mode, viewer)


# --- calibration ---------------------------------------------------------------------------


class FinalRatingOut(Schema):
    reviewee: str = Field(description="The person reviewed (id)")
    competency: str = Field(description="The competency's uid")
    competency_name: str
    proposed: Rating | None = Field(description="The manager's rating")
    final: Rating | None
    reason: str
    revision: int


class FinalRatingList(ListOut):
    items: list[FinalRatingOut]


def _final_out(row: FinalRating) -> dict[str, Any]:
    return {
        "reviewee": row.participant.person.public_id,
        "competency": row.competency_uid,
        "competency_name": row.competency_name,
        "proposed": row.proposed,
        "final": row.final,
        "reason": row.reason,
        "revision": row.revision,
    }


def _finals(cycle: ReviewCycle) -> QuerySet[FinalRating]:
    return (
        FinalRating.objects.filter(participant__cycle=cycle)
        .select_related("participant__person")
        .order_by("participant__person__name", "participant_id", "position", "pk")
    )


@router.get(
    "/cycles/{id}/final-ratings", response=FinalRatingList, summary="Final ratings (HR admins)"
)
def list_final_ratings(request: ApiRequest, id: str, page: Query[Page]) -> dict[str, Any]:
    """Per reviewee and competency, the proposed (manager's) and the final rating."""
    require_role(request)
    return page_of(request, _finals(_cycle(request, id)), page, _final_out)


class FinalRatingPatch(Input):
    reviewee: str = Field(max_length=16, description="The person reviewed (id)")
    competency: str = Field(max_length=16, description="The competency's uid")
    rating: Decimal = Field(ge=0, le=100, max_digits=4, decimal_places=2)
    reason: str = Field(max_length=2000, description="Why; required")
    revision: int | None = Field(None, ge=0, le=MAX_INT, description="The rating's revision")


@router.patch(
    "/cycles/{id}/final-ratings",
    response=FinalRatingOut,
    summary="Calibrate a final rating (HR admins)",
)
def set_final_rating(request: ApiRequest, id: str, payload: FinalRatingPatch) -> dict[str, Any]:
    require_role(request)
    cycle = _cycle(request, id)
    if not is_public_id(payload.reviewee):
        raise invalid("reviewee", "No one with this id takes part in the cycle.")
    part = Participant.objects.filter(cycle=cycle, person__public_id=payload.reviewee).first()
    if part is None:
        raise invalid("reviewee", "No one with this id takes part in the cycle.")
    services.set_final_rating(
        part,
        competency_uid=payload.competency,
        rating=payload.rating,
        reason=payload.reason,
        actor=request.user,
        expected_revision=payload.revision,
    )
    row = _finals(cycle).filter(participant=part, competency_uid=payload.competency).first()
    if row is None:  # pragma: no cover - the service refuses unknown competencies
        raise invalid("competency", "This competency is not rated in this cycle.")
    return _final_out(row)
