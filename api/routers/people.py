"""/people: the directory, through `people.selectors` (who may see whom) and
`people.services` (every write: checks, revision, audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from api.auth import ApiRequest
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
from api.errors import conflict, invalid
from frameworks.models import JobFamily, Level
from people import selectors, services
from people.models import Person
from people.placement import placeable_levels

router = Router(tags=["people"])


class PersonOut(Schema):
    id: str
    name: str
    email: str
    title: str
    family: str | None = Field(description="The job family's key")
    level: str | None = Field(description="The level's code in the family's current ladder")
    manager: str | None = Field(description="The manager's id")
    active: bool
    start_date: dt.date | None
    revision: int = Field(description="Send it back with a PATCH; a stale one answers 409")
    updated_at: dt.datetime


class PersonList(ListOut):
    items: list[PersonOut]


def person_out(person: Person) -> dict[str, Any]:
    family = person.job_family
    return {
        "id": person.public_id,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "family": family.key if family else None,
        "level": person.level.code if person.level else None,
        "manager": person.manager.public_id if person.manager else None,
        "active": person.is_active,
        "start_date": person.start_date,
        "revision": person.revision,
        "updated_at": person.updated_at,
    }


def _email(value: str | None) -> str | None:
    if value is None:
        return value
    value = value.strip().lower()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter an e-mail address like name@example.com.") from None
    return value


def _name(value: str | None) -> str | None:
    if value is None:
        return value
    value = " ".join(value.split())
    if not value:
        raise ValueError("Enter the person's name.")
    return value


class PersonFields(Input):
    title: str = Field("", max_length=150)
    family: str | None = Field(None, max_length=60, description="A job family's key")
    level: str | None = Field(None, max_length=20, description="A level code of that family")
    manager: str | None = Field(None, max_length=16, description="The manager's id")
    start_date: dt.date | None = None


class PersonCreate(PersonFields):
    name: str = Field(max_length=150)
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})

    _check_email = field_validator("email")(classmethod(lambda cls, v: _email(v)))
    _check_name = field_validator("name")(classmethod(lambda cls, v: _name(v)))


class PersonPatch(PersonFields):
    revision: int = Field(ge=0, le=MAX_INT, description="The revision you read")
    name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254, json_schema_extra={"format": "email"})
    active: bool | None = None
    level_effective_date: dt.date | None = Field(
        None, description="When a new family or level takes effect (default: today)"
    )
    level_reason: str = Field("", max_length=200, description="Why the level changes")

    _check_email = field_validator("email")(classmethod(lambda cls, v: _email(v)))
    _check_name = field_validator("name")(classmethod(lambda cls, v: _name(v)))


class PeopleFilters(Input):
    active: bool | None = Field(None, description="true: active people; false: deactivated")
    email: str | None = Field(None, max_length=254, description="Exactly this e-mail address")
    family: str | None = Field(None, max_length=60, description="A job family's key")
    manager: str | None = Field(None, max_length=16, description="Direct reports of this id")


def _family(key: str) -> JobFamily:
    family = family_or_none(key)
    if family is None:
        raise invalid("family", f"There is no job family with the key “{key}”.")
    return family


def _level(family: JobFamily | None, code: str) -> Level:
    if family is None:
        raise invalid("level", "Give the family too: a level code belongs to a job family.")
    level = next((lv for lv in placeable_levels(family) if lv.code == code), None)
    if level is None:
        raise invalid("level", f"The {family.name} ladder has no level “{code}”.")
    return level


def _manager(public_id: str) -> Person:
    return get_or_invalid(Person.objects.all(), public_id, "manager", "person")


def _placement(data: dict[str, Any], person: Person | None) -> dict[str, Any]:
    """family key / level code / manager id → the rows the services take."""
    out: dict[str, Any] = {}
    if "family" in data:
        out["job_family"] = _family(data["family"]) if data["family"] else None
    if data.get("level"):
        family = out.get("job_family", person.job_family if person else None)
        out["level"] = _level(family, data["level"])
        out.setdefault("job_family", out["level"].version.family)
    elif "level" in data:
        out["level"] = None
    if "manager" in data:
        out["manager"] = _manager(data["manager"]) if data["manager"] else None
    return out


def _visible(request: ApiRequest) -> Any:
    return selectors.visible_people(request.user, request.membership)


def _directory(request: ApiRequest) -> Any:
    qs = selectors.directory()
    if not request.membership.is_admin:
        qs = qs.filter(pk__in=_visible(request).values("pk"))
    return qs


@router.get("/people", response=PersonList, summary="List people")
def list_people(
    request: ApiRequest, page: Query[Page], filters: Query[PeopleFilters]
) -> dict[str, Any]:
    """HR admins see everyone; a manager sees themselves and their reports (directly or
    through others); anyone else sees themselves."""
    qs = _directory(request).order_by("name", "pk")
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    if filters.email:
        qs = qs.filter(email=filters.email.strip().lower())
    if filters.family:
        qs = qs.filter(job_family__key=filters.family)
    if filters.manager:
        qs = qs.filter(manager__public_id=filters.manager)
    return page_of(request, qs, page, person_out)


@router.post("/people", response={201: PersonOut}, summary="Add a person (HR admins)")
def create_person(request: ApiRequest, payload: PersonCreate) -> Status:
    require_role(request)
    data = payload.model_dump(exclude_unset=True)
    placed = _placement(data, None)
    person = services.create_person(
        request.organization,
        actor=request.user,
        name=payload.name,
        email=payload.email,
        title=payload.title.strip(),
        start_date=payload.start_date,
        **placed,
    )
    return Status(201, person_out(_directory(request).get(pk=person.pk)))


@router.get("/people/{id}", response=PersonOut, summary="Read a person")
def get_person(request: ApiRequest, id: str) -> dict[str, Any]:
    return person_out(get_or_404(_directory(request), id))


@router.patch("/people/{id}", response=PersonOut, summary="Change a person (HR admins)")
def update_person(request: ApiRequest, id: str, payload: PersonPatch) -> dict[str, Any]:
    """Send only the fields to change, with the `revision` you read. A stale revision
    answers 409 and changes nothing. `active: false` deactivates the person (and closes
    their login and API tokens); `true` reactivates them."""
    require_role(request)
    person = get_or_404(_directory(request), id)
    data = payload.model_dump(exclude_unset=True)
    fields: dict[str, Any] = {
        k: data[k] for k in ("name", "email", "start_date") if k in data and data[k] is not None
    }
    if "title" in data:
        fields["title"] = (data["title"] or "").strip()
    if "start_date" in data:
        fields["start_date"] = data["start_date"]
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.revision != payload.revision:
            raise conflict(str(services.StaleEditError()).replace("Reload the page", "Read it"))
        fields.update(_placement(data, locked))
        if fields:
            locked = services.update_person(
                locked,
                actor=request.user,
                expected_revision=payload.revision,
                level_effective_date=payload.level_effective_date,
                level_reason=payload.level_reason.strip() or "Changed through the API",
                **fields,
            )
        if payload.active is not None and payload.active != locked.is_active:
            services.set_active(locked, actor=request.user, active=payload.active)
    return person_out(_directory(request).get(pk=person.pk))
