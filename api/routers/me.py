"""/me: who the token acts as."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from people.selectors import is_manager, person_for_user

router = Router(tags=["me"])


class UserOut(Schema):
    email: str
    name: str


class OrganizationOut(Schema):
    slug: str
    name: str
    read_only: bool


class TokenOut(Schema):
    name: str
    scope: str
    expires_at: dt.datetime


class MeOut(Schema):
    user: UserOut
    organization: OrganizationOut
    role: str
    person: str | None
    is_manager: bool
    token: TokenOut


@router.get("/me", response=MeOut, summary="Who this token acts as")
def me(request: HttpRequest) -> dict:
    user, org = request.user, request.organization  # type: ignore[attr-defined]
    token = request.api_token  # type: ignore[attr-defined]
    person = person_for_user(user)
    name = f"{user.first_name} {user.last_name}".strip()  # type: ignore[union-attr]
    return {
        "user": {"email": user.email, "name": person.name if person else name},  # type: ignore[union-attr]
        "organization": {"slug": org.slug, "name": org.name, "read_only": org.is_read_only},
        "role": request.membership.role,  # type: ignore[attr-defined]
        "person": person.public_id if person else None,
        "is_manager": is_manager(person),
        "token": {"name": token.name, "scope": token.scope, "expires_at": token.expires_at},
    }
