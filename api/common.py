"""What every router uses: roles, fetching by public id, lists, safe text input."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema, field_validator

from api.auth import ApiRequest
from organizations.models import Role
from organizations.scoping import ALPHABET

MAX_LIMIT = 200
MAX_OFFSET = 10**9
MAX_INT = 2**31 - 1

# "Ratings are numbers on the organization's scale": a calculated rating (an average, a
# gap) is a Decimal inside, a JSON number outside (pydantic would write a string).
Rating = Annotated[
    Decimal, PlainSerializer(float, return_type=float), WithJsonSchema({"type": "number"})
]


def require_role(request: ApiRequest, role: str = Role.HR_ADMIN) -> None:
    """403 for a role too low, in the pages' words (organizations.access)."""
    membership = request.membership
    if not membership.has_role(role):
        who = "an owner" if role == Role.OWNER else "an HR admin or an owner"
        raise PermissionDenied(
            f"Only {who} can do this. If you need it, ask them to do it or to change your role."
        )


def is_public_id(value: str) -> bool:
    return 0 < len(value) <= 16 and all(c in ALPHABET for c in value)


def get_or_404[M: Model](qs: QuerySet[M], public_id: str) -> M:
    """The object of the active organization with this id; 404 otherwise (another
    organization's id answers exactly like one that does not exist)."""
    if not is_public_id(public_id):
        raise Http404("Not found")
    obj = qs.filter(public_id=public_id).first()
    if obj is None:
        raise Http404("Not found")
    return obj


def get_or_invalid[M: Model](qs: QuerySet[M], public_id: str, field: str, what: str) -> M:
    """The object an input field names by id, or invalid input (422) naming the field."""
    obj = qs.filter(public_id=public_id).first() if is_public_id(public_id) else None
    if obj is None:
        from api.errors import invalid

        raise invalid(field, f"There is no {what} with the id “{public_id}”.")
    return obj


class Input(Schema):
    """Base for request bodies: text may not hold NUL characters (no database stores
    them). Nested bodies subclass it too, so every level is checked."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        if isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
            raise ValueError("Text may not contain NUL characters.")
        return value


class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many items (at most 200)")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip")


def page_of(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    page: Page,
    serialize: Callable[[Any], Any],
) -> dict[str, Any]:
    """`{"items", "count", "next"}`: `next` is the URL of the following page, or null."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    chunk = list(items[page.offset : page.offset + page.limit])
    nxt = None
    if page.offset + len(chunk) < count:
        query = request.GET.copy()
        query["limit"] = str(page.limit)
        query["offset"] = str(page.offset + page.limit)
        nxt = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": [serialize(item) for item in chunk], "count": count, "next": nxt}


class ListOut(Schema):
    count: int = Field(description="How many items match, on every page together")
    next: str | None = Field(description="The URL of the next page, or null on the last")


def family_or_none(key: str) -> Any:
    """The job family with this key (keys are slugs), or None."""
    from frameworks.models import JobFamily

    if not key or len(key) > 60 or not all(c.isalnum() or c in "-_" for c in key):
        return None
    return JobFamily.objects.filter(key=key).first()
