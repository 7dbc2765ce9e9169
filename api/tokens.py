"""The write path and the lookup for API tokens.

A token is `clb_` followed by 40 random characters. Only its SHA-256 digest is stored
(a random 240-bit secret needs no slow hash); `create_token` returns the token itself
once. `revoke_all_tokens(user, org)` is what a closed login calls (see
`organizations.signals.login_closed`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from api.models import ApiToken
from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Membership, Organization
from organizations.scoping import scope, unscoped

PREFIX = "clb_"
PREFIX_LENGTH = len(PREFIX) + 8
MAX_DAYS = 366
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenError(Exception):
    """A token cannot be made or changed; the message is for the user."""


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _default_days() -> int:
    return int(getattr(settings, "API_TOKEN_DEFAULT_DAYS", 90))


def create_token(
    org: Organization,
    *,
    user: Any,
    actor: Actor,
    name: str,
    write: bool = False,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` in `org`. Returns the row and the token, shown only now."""
    org.ensure_writable()
    name = " ".join((name or "").split())[:100]
    if not name:
        raise TokenError("Give the token a name, for example “HRIS sync”.")
    days = _default_days() if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"A token lasts between 1 and {MAX_DAYS} days.")
    if not Membership.objects.filter(organization=org, user=user, is_active=True).exists():
        raise TokenError("Only someone with a login to this organization can have a token.")
    raw = PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=org,
            user=user,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            digest=digest_of(raw),
            scope=ApiToken.Scope.WRITE if write else ApiToken.Scope.READ,
            created_by=user_of(actor),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        record(
            org,
            actor,
            "api_token.created",
            token,
            data={"owner": user.email, "scope": token.scope, "expires_at": token.expires_at},
        )
    return token, raw


def revoke_token(token: ApiToken, *, actor: Actor) -> ApiToken:
    """Revoking works even while the organization is read-only: it only closes access."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user_of(actor)
        )
        token.refresh_from_db()
        if updated:
            record(token.organization, actor, "api_token.revoked", token)
    return token


def revoke_all_tokens(user: Any, org: Organization, *, actor: Actor = None) -> int:
    """Revoke every usable token of `user` in `org` (e.g. their login was closed)."""
    with scope(org), transaction.atomic():
        tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
        for token in tokens:
            revoke_token(token, actor=actor)
    return len(tokens)


def revoke_on_login_closed(
    sender: Any, *, organization: Organization, user: Any, **kw: Any
) -> None:
    revoke_all_tokens(user, organization, actor=kw.get("actor"))


def tokens_for(membership: Membership) -> QuerySet[ApiToken]:
    """The tokens a member may list and revoke: their own; an HR admin's, everyone's."""
    qs = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    return qs if membership.is_admin else qs.filter(user_id=membership.user_id)


def find(raw: str) -> ApiToken | None:
    """The token row for a presented token, whatever its state (None: unknown).
    Tokens are looked up across organizations: the token says which one it acts in."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    with unscoped():
        return (
            ApiToken.objects.select_related("organization", "user")
            .filter(digest=digest_of(raw))
            .first()
        )


def membership_of(token: ApiToken) -> Membership | None:
    with unscoped():
        return Membership.objects.filter(
            organization_id=token.organization_id, user_id=token.user_id, is_active=True
        ).first()


def mark_used(token: ApiToken) -> None:
    """Note when a token was last used (at most one write a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        with unscoped():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
