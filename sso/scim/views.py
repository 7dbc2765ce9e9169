"""SCIM 2.0 endpoints (RFC 7644), the subset Okta and Microsoft Entra ID use.

Every request carries the organization's bearer token (`Authorization: Bearer …`); the
token decides the organization, and the handler runs inside `scope(org)`, so another
organization's people are never visible. Errors use SCIM's error format."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from organizations.scoping import scope, unscoped
from sso.models import ScimToken, hash_secret
from sso.scim import schemas
from sso.scim.errors import ScimError, scim_response
from sso.scim.filters import to_q
from sso.scim.resources import LIST_SCHEMA, from_patch, from_resource, to_resource
from sso.scim.services import create_user, delete_user, update_user, visible_people

MAX_RESULTS = 200


def _token_from(request: HttpRequest) -> ScimToken:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ScimError(401, "Send the organization's SCIM token as a Bearer token.")
    with unscoped():
        found = (
            ScimToken.objects.select_related("organization")
            .filter(token_hash=hash_secret(token.strip()), revoked_at__isnull=True)
            .first()
        )
    if found is None:
        raise ScimError(401, "This SCIM token is not valid (it may have been replaced).")
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
        with unscoped():
            ScimToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


def scim_view(methods: set[str]) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = _token_from(request)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                with scope(token.organization):
                    result = view(request, token.organization, *args, **kwargs)
            except ScimError as error:
                return error.response()
            except PermissionDenied as error:  # e.g. the trial ended: read-only
                return ScimError(403, str(error) or "Not allowed.").response()
            if isinstance(result, HttpResponse):
                return result
            return scim_response(result)

        return wrapped

    return decorator


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root"))


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ScimError(400, "The request body is not valid JSON.", "invalidSyntax") from error


def _int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ScimError(400, f"{name} must be a whole number.", "invalidValue") from error


@scim_view({"GET"})
def root(request: HttpRequest, org: Any) -> Any:
    raise ScimError(404, "Use /Users, /ServiceProviderConfig, /ResourceTypes or /Schemas.")


@scim_view({"GET"})
def service_provider_config(request: HttpRequest, org: Any) -> Any:
    return schemas.service_provider_config(_base_url(request), MAX_RESULTS)


@scim_view({"GET"})
def resource_types(request: HttpRequest, org: Any) -> Any:
    items = [schemas.user_resource_type(_base_url(request))]
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": 1,
        "startIndex": 1,
        "itemsPerPage": 1,
        "Resources": items,
    }


@scim_view({"GET"})
def resource_type(request: HttpRequest, org: Any, type_name: str) -> Any:
    if type_name != "User":
        raise ScimError(404, f"Resource type {type_name} not found.")
    return schemas.user_resource_type(_base_url(request))


@scim_view({"GET"})
def schema_list(request: HttpRequest, org: Any) -> Any:
    items = schemas.all_schemas(_base_url(request))
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


@scim_view({"GET"})
def schema_detail(request: HttpRequest, org: Any, schema_id: str) -> Any:
    for item in schemas.all_schemas(_base_url(request)):
        if item["id"] == schema_id:
            return item
    raise ScimError(404, f"Schema {schema_id} not found.")


@scim_view({"GET", "POST"})
def users(request: HttpRequest, org: Any) -> Any:
    base = _base_url(request)
    if request.method == "POST":
        person, _created = create_user(org, from_resource(_body(request)))
        resource = to_resource(visible_people().get(pk=person.pk), base)
        response = scim_response(resource, status=201)
        response["Location"] = resource["meta"]["location"]
        return response
    people = visible_people().order_by("pk")
    if request.GET.get("filter"):
        people = people.filter(to_q(request.GET["filter"]))
    start = max(_int(request, "startIndex", 1), 1)
    count = min(max(_int(request, "count", 100), 0), MAX_RESULTS)
    total = people.count()
    page = list(people[start - 1 : start - 1 + count]) if count else []
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(page),
        "Resources": [to_resource(p, base) for p in page],
    }


@scim_view({"GET", "PUT", "PATCH", "DELETE", "POST"})
def user(request: HttpRequest, org: Any, user_id: str) -> Any:
    person = visible_people().filter(public_id=user_id).first()
    if person is None:  # before the method check: another organization's id is just 404
        raise ScimError(404, f"User {user_id} not found.")
    if request.method == "POST":
        raise ScimError(405, "POST a new user to /Users.")
    if request.method == "DELETE":
        delete_user(person)
        return HttpResponse(status=204)
    if request.method == "PUT":
        update_user(person, from_resource(_body(request)))
    elif request.method == "PATCH":
        update_user(person, from_patch(_body(request)))
    return to_resource(visible_people().get(pk=person.pk), _base_url(request))
