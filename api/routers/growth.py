"""/people/{id}/gap-report and /action-items through `growth.selectors` (the gap report,
readiness, the operating level) and `growth.services` (every change: checks, revision,
history, audit), with `growth.access` deciding who sees what, as on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
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
    get_or_invalid,
    is_public_id,
    page_of,
)
from growth import access
from growth.models import ActionItem
from growth.selectors import gap_report, released_participations
from growth.services import create_action_item, update_action_item
from people.models import Person

router = Router(tags=["growth"])


def _viewer(request: ApiRequest) -> access.Viewer:
    return access.viewer_for(request.user, request.membership)


# --- gap report ------------------------------------------------------------------------


class GapOut(Schema):
    uid: str
    name: str
    category: str
    expected: Rating
    final: Rating | None
    self: Rating | None
    manager: Rating | None
    peers: Rating | None = Field(description="Null when too few peers answered")
    gap: Rating | None = Field(description="expected − final; positive is a gap")


class ReadinessOut(Schema):
    level: str = Field(description="A level one step up (code)")
    ready: bool
    figure: str = Field(description="e.g. “17 of 20 statements, 85%”")
    rule: str = Field(description="The organization's readiness rule, in words")


class GapReportOut(Schema):
    person: str
    cycle: str
    competencies: list[GapOut] = Field(description="Largest gap first")
    readiness: list[ReadinessOut]
    operating_level: str | None = Field(description="The highest level that meets the rule")
    level: str = Field(description="The person's level in this cycle (code)")


class GapQuery(Schema):
    cycle: str | None = Field(None, max_length=16, description="A cycle id (default: latest)")


@router.get("/people/{id}/gap-report", response=GapReportOut, summary="A person's gap report")
def get_gap_report(request: ApiRequest, id: str, query: Query[GapQuery]) -> dict[str, Any]:
    """The gap report of a released cycle (the newest one unless `cycle` is given): the
    person sees their own once released, their managers and HR too. Others get 404."""
    person = get_or_404(Person.objects.all(), id)
    parts = released_participations(person)
    if query.cycle:
        if not is_public_id(query.cycle):
            raise Http404("Not found")
        parts = parts.filter(cycle__public_id=query.cycle)
    participant = parts.first()
    if participant is None or not access.report_visible(participant, _viewer(request)):
        raise Http404("Not found")
    report = gap_report(participant)
    order = sorted(
        report.competencies,
        key=lambda c: (c.gap is None, -(c.gap or 0), c.position),
    )
    return {
        "person": person.public_id,
        "cycle": participant.cycle.public_id,
        "level": participant.level_code,
        "competencies": [
            {
                "uid": c.uid,
                "name": c.name,
                "category": c.category,
                "expected": c.expected,
                "final": c.final,
                "self": c.self,
                "manager": c.manager,
                "peers": c.peers,
                "gap": c.gap,
            }
            for c in order
        ],
        "readiness": [
            {"level": r.level_code, "ready": r.ready, "figure": r.figure, "rule": r.words}
            for r in report.readiness
        ],
        "operating_level": report.operating.level_code or None,
    }


# --- action items ------------------------------------------------------------------------

ItemStatus = Literal["open", "in_progress", "done", "dropped"]
ResourceKind = Literal["", "course", "book", "stretch", "mentor", "other"]


class ActionItemOut(Schema):
    id: str
    person: str
    owner: str | None
    competency: str = Field(description="The competency's uid")
    competency_name: str
    statement: str | None = Field(description="The statement's uid, or null")
    title: str
    resource_kind: str
    resource: str
    milestone: str
    due: dt.date | None
    status: ItemStatus
    revision: int
    updated_at: dt.datetime


class ActionItemList(ListOut):
    items: list[ActionItemOut]


def item_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.public_id,
        "person": item.person.public_id,
        "owner": item.owner.public_id if item.owner else None,
        "competency": item.competency_uid,
        "competency_name": item.competency_name,
        "statement": item.statement_uid or None,
        "title": item.title,
        "resource_kind": item.resource_kind,
        "resource": item.resource,
        "milestone": item.milestone,
        "due": item.due,
        "status": item.status,
        "revision": item.revision,
        "updated_at": item.updated_at,
    }


def _items(request: ApiRequest) -> QuerySet[ActionItem]:
    """The items of every plan the viewer may see: theirs, their reports', all for HR."""
    viewer = _viewer(request)
    qs = ActionItem.objects.select_related("person", "owner").order_by("due", "pk")
    if viewer.is_admin:
        return qs
    if viewer.person is None:
        return qs.none()
    return qs.filter(person_id__in={viewer.pk, *viewer.reports})


class ItemFilters(Input):
    person: str | None = Field(None, max_length=16, description="One person's plan")
    status: ItemStatus | None = None


@router.get("/action-items", response=ActionItemList, summary="List action items")
def list_action_items(
    request: ApiRequest, page: Query[Page], filters: Query[ItemFilters]
) -> dict[str, Any]:
    qs = _items(request)
    if filters.person:
        qs = qs.filter(person__public_id=filters.person)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return page_of(request, qs, page, item_out)


class ItemFields(Input):
    owner: str | None = Field(None, max_length=16, description="The person or a manager (id)")
    statement: str | None = Field(None, max_length=16, description="A statement's uid")
    resource_kind: ResourceKind = ""
    resource: str = Field("", max_length=500)
    milestone: str = Field("", max_length=300)
    due: dt.date | None = None
    status: ItemStatus = "open"


class ItemCreate(ItemFields):
    person: str = Field(max_length=16, description="Whose plan (id)")
    competency: str = Field(max_length=16, description="A competency's uid")
    title: str = Field(max_length=200)


class ItemPatch(Input):
    revision: int = Field(ge=0, le=MAX_INT, description="The revision you read")
    title: str | None = Field(None, max_length=200)
    competency: str | None = Field(None, max_length=16)
    statement: str | None = Field(None, max_length=16)
    owner: str | None = Field(None, max_length=16)
    resource_kind: ResourceKind | None = None
    resource: str | None = Field(None, max_length=500)
    milestone: str | None = Field(None, max_length=300)
    due: dt.date | None = None
    status: ItemStatus | None = None
    note: str = Field("", max_length=2000, description="Why, for the item's history")


def _person(public_id: str, field: str) -> Person:
    return get_or_invalid(Person.objects.all(), public_id, field, "person")


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    """API names → the service's (competency → competency_uid, owner id → Person)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "competency":
            out["competency_uid"] = value or ""
        elif key == "statement":
            out["statement_uid"] = value or ""
        elif key == "owner":
            out["owner"] = _person(value, "owner") if value else None
        elif key in ("resource", "milestone", "title"):
            out[key] = value or ""
        else:
            out[key] = value
    return out


@router.post("/action-items", response={201: ActionItemOut}, summary="Add an action item")
def add_action_item(request: ApiRequest, payload: ItemCreate) -> Status:
    """Into the plan of someone whose plan you may change: yourself, your reports, anyone
    for HR."""
    person = get_or_404(Person.objects.all(), payload.person)
    if not access.can_see_plan(_viewer(request), person):
        raise Http404("Not found")
    data = payload.model_dump(exclude={"person"})
    item = create_action_item(person, actor=request.user, **_changes(data))
    return Status(201, item_out(_items(request).get(pk=item.pk)))


@router.get("/action-items/{id}", response=ActionItemOut, summary="Read an action item")
def get_action_item(request: ApiRequest, id: str) -> dict[str, Any]:
    return item_out(get_or_404(_items(request), id))


@router.patch("/action-items/{id}", response=ActionItemOut, summary="Change an action item")
def change_action_item(request: ApiRequest, id: str, payload: ItemPatch) -> dict[str, Any]:
    """Send the fields to change with the `revision` you read (409 when stale); the
    item's history records who changed what, with your `note`."""
    item = get_or_404(_items(request), id)
    data = payload.model_dump(exclude_unset=True, exclude={"revision", "note"})
    update_action_item(
        item,
        actor=request.user,
        expected_revision=payload.revision,
        note=payload.note,
        **_changes(data),
    )
    return item_out(_items(request).get(pk=item.pk))
