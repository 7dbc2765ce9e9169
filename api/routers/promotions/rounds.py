"""/promotion-rounds: a committee reviews a batch of open cases side by side and decides
them; HR set them up."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema, Status

from api.auth import ApiRequest
from api.common import Input, ListOut, Page, get_or_404, page_of, require_role
from api.errors import invalid
from api.routers.promotions.shapes import Revision, Text, people_named, viewer_of
from api.routers.reviews import RevisionIn
from promotions import access, services
from promotions.models import PromotionCase, PromotionRound

router = Router()


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


def _rounds(request: ApiRequest) -> QuerySet[PromotionRound]:
    return (
        access.visible_rounds(viewer_of(request))
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
def list_rounds(request: ApiRequest, page: Query[Page]) -> dict[str, Any]:
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
def create_round(request: ApiRequest, payload: RoundCreate) -> Status:
    """A committee reviews a batch of open cases side by side and decides them."""
    require_role(request)
    found = services.create_round(
        request.organization,
        actor=request.user,
        name=payload.name,
        committee=people_named(payload.committee, "committee"),
        cases=_case_list(payload.cases),
        decide_by=payload.decide_by,
        notes=payload.notes,
    )
    return Status(201, round_out(_rounds(request).get(pk=found.pk)))


@router.get("/promotion-rounds/{id}", response=RoundOut, summary="Read a promotion round")
def get_round(request: ApiRequest, id: str) -> dict[str, Any]:
    return round_out(get_or_404(_rounds(request), id))


@router.patch("/promotion-rounds/{id}", response=RoundOut, summary="Change a round (HR)")
def change_round(request: ApiRequest, id: str, payload: RoundPatch) -> dict[str, Any]:
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
            people_named(payload.committee, "committee")
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
def close_round(request: ApiRequest, id: str, payload: RevisionIn) -> dict[str, Any]:
    """Once every case in it is decided or withdrawn."""
    found = get_or_404(_rounds(request), id)
    require_role(request)
    services.close_round(found, actor=request.user, expected_revision=payload.revision)
    return round_out(_rounds(request).get(pk=found.pk))
