"""Who is calling the API, and may they do what they ask.

`ApiMiddleware` (after `TenantMiddleware`) resolves the bearer token of every request
under /api/ once, like `TenantMiddleware` does for a session: `request.user`,
`request.organization`, `request.membership` and `request.api_token` become the token's,
and the request runs inside `scope(org)` with the audit log noting the token. A session
cookie never authenticates an API request. Responses Django makes outside ninja (unknown
path, wrong method) become problem+json.

`TokenAuth` (ninja's security for every operation) then decides: a missing, unknown,
expired or revoked token is 401; over the rate limit 429 with `Retry-After`; a non-GET
needs a `write` token (403) and a writable organization (403, the same words as the
pages' `ensure_writable`); owners and HR admins of an organization that requires
two-step login must have set it up, as on the pages."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, Throttled
from ninja.security import HttpBearer

from api import tokens
from api.errors import API_PREFIX, as_problem
from api.models import ApiToken
from organizations.access import OrgRequest
from organizations.audit import acting_via
from organizations.scoping import scope

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiRequest(OrgRequest):
    """The request of an API operation: `ApiMiddleware` has set the token's user,
    organization and membership, and the token (`TokenAuth` has checked it). Only for
    type checkers: at run time it is Django's request."""

    api_token: ApiToken


def bearer_of(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    return value.strip() if kind.lower() == "bearer" else ""


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        req: Any = request
        req.user = AnonymousUser()
        req.organization = req.membership = req.api_token = None
        req.api_refusal = "Send a token: Authorization: Bearer <token>."
        raw = bearer_of(request)
        token = tokens.find(raw) if raw else None
        membership = tokens.membership_of(token) if token is not None else None
        if raw and token is None:
            req.api_refusal = "This token is not valid."
        elif token is not None and token.revoked_at is not None:
            req.api_refusal = "This token was revoked. Make a new one in the product."
        elif token is not None and token.is_expired:
            req.api_refusal = "This token has expired. Make a new one in the product."
        elif token is not None and membership is None:
            req.api_refusal = "The token's owner no longer has a login to this organization."
        elif token is not None and membership is not None:
            req.user, req.api_token, req.membership = token.user, token, membership
            req.organization = token.organization
            with scope(token.organization), acting_via(str(token)):
                return as_problem(request, self.get_response(request))
        return as_problem(request, self.get_response(request))


def _rate() -> tuple[int, int]:
    """(requests, seconds) from API_RATE_LIMIT, e.g. "600/m"."""
    count, _, period = str(getattr(settings, "API_RATE_LIMIT", "600/m")).partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600}.get(period[:1] or "m", 60)
    return int(count), seconds


def check_rate(token: ApiToken) -> None:
    """A fixed window per token in the shared cache (so every web process counts)."""
    limit, period = _rate()
    now = time.time()
    window = int(now // period)
    cache = caches[getattr(settings, "API_RATE_LIMIT_CACHE", "default")]
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 5)
        used = 1
    if used > limit:
        raise Throttled(wait=max(1, math.ceil((window + 1) * period - now)))


def _has_mfa(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class TokenAuth(HttpBearer):
    """Bearer tokens (see the module docstring); returns the `ApiToken`."""

    def __call__(self, request: HttpRequest) -> ApiToken:
        req: Any = request
        token: ApiToken | None = getattr(req, "api_token", None)
        if token is None:
            raise AuthenticationError(401, getattr(req, "api_refusal", "Send a token."))
        check_rate(token)
        tokens.mark_used(token)
        membership, org = req.membership, req.organization
        if org.require_mfa_for_admins and membership.is_admin and not _has_mfa(token.user):
            raise PermissionDenied(
                f"{org.name} asks owners and HR admins to use two-step login. Set it up in "
                "the product; your token works again after that."
            )
        if request.method not in SAFE_METHODS:
            if not token.can_write:
                raise PermissionDenied(
                    "This token can only read. Make a token with write access to change things."
                )
            org.ensure_writable()
        return token

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return None  # __call__ does the work with what ApiMiddleware resolved
