"""/me: who the token acts as."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from api.auth import ApiRequest
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
def me(request: ApiRequest) -> dict:
    user, org = request.user, request.organization
    token = request.api_token
    person = person_for_user(user)
    name = f"{user.first_name} {user.last_name}".strip()
    return {
        "user": {"email": user.email, "name": person.name if person else name},
        "organization": {"slug": org.slug, "name": org.name, "read_only": org.is_read_only},
        "role": request.membership.role,
        "person": person.public_id if person else None,
        "is_manager": is_manager(person),
        "token": {"name": token.name, "scope": token.scope, "expires_at": token.expires_at},
    }
