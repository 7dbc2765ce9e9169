"""The API (django-ninja), mounted at /api/v1/: routers per domain, bearer tokens,
problem+json errors, and an OpenAPI schema that describes every answer, errors included."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from api import errors
from api.auth import TokenAuth
from api.errors import PROBLEM
from api.routers import frameworks, growth, me, people, promotions, reviews

DESCRIPTION = """
The Career Ladder Builder API. Every request sends a token made in the product
(*API tokens* in your menu, top right) as `Authorization: Bearer <token>`; it acts as
its owner, with their role in their organization. A `read` token can only read; a `write` token can
also change things.

- **Ids** are strings (`id`); an id of another organization answers 404.
- **Lists** answer `{"items": [...], "count": N, "next": URL or null}`; use `limit`
  (at most 200) and `offset`.
- **Errors** are `application/problem+json` with `status`, `title`, `detail`, and for
  invalid input `errors: [{"field", "message"}]`.
- **Revisions**: things several people edit carry a `revision`; send the one you read.
  A stale one answers 409 and changes nothing.
- **Rate limit**: too many requests answer 429 with `Retry-After` (seconds).
"""

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "required": ["status", "title", "detail"],
    "properties": {
        "type": {"type": "string"},
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
ERROR_STATUSES = {
    "400": "The request could not be read",
    "401": "No valid token",
    "403": "The token's role or scope does not allow this, or the organization is read-only",
    "404": "Not found (or another organization's)",
    "405": "Method not allowed",
    "409": "A stale revision, or a state that does not allow this",
    "413": "The request is too large",
    "422": "Invalid input; see errors",
    "429": "Too many requests; see Retry-After",
}


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        ref = {"$ref": "#/components/schemas/Problem"}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                # ninja keys its own responses by int; openapi_extra's are strings
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, text in ERROR_STATUSES.items():
                    responses.setdefault(
                        status, {"description": text, "content": {PROBLEM: {"schema": ref}}}
                    )
        return schema


api = Api(
    title="Career Ladder Builder API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", me.router)
api.add_router("", people.router)
api.add_router("", frameworks.router)
api.add_router("", reviews.router)
api.add_router("", growth.router)
api.add_router("", promotions.router)
