"""Errors as `application/problem+json` (RFC 9457): `status`, `title`, `detail`, and for
invalid input `errors: [{"field", "message"}]`.

Every failure of the API goes through here: ninja's own validation errors, 401/403/404/
409/429, the domain errors the services raise, and — as a last resort — unexpected
exceptions (logged, answered as a 500 problem without internals). `ProblemMiddleware`
turns what Django answers outside ninja (an unknown path, a wrong method) into problems
too."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
API_PREFIX = "/api/"


class ApiError(Exception):
    """A problem: raise it from a handler, or answer with its `response()`."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str = "",
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.errors = errors
        self.headers = headers or {}

    def response(self) -> HttpResponse:
        """This problem as the answer."""
        body: dict[str, Any] = {
            "type": "about:blank",
            "status": self.status,
            "title": self.title or HTTPStatus(self.status).phrase,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        response = JsonResponse(body, status=self.status, content_type=PROBLEM)
        for key, value in self.headers.items():
            response[key] = value
        return response


def invalid(field: str, message: str) -> ApiError:
    """One invalid input field (422)."""
    return ApiError(422, message, errors=[{"field": field, "message": message}])


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail)


# --- ninja's validation errors ---------------------------------------------------------

_NINJA_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    """pydantic's location ("body", "payload", "answers", 0, "rating") as a dotted field
    name scripts can match against their input ("answers.0.rating")."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _NINJA_SOURCES:
        parts = parts[1:]
        # ninja wraps a body or query schema in its parameter name ("payload", "page")
        if len(parts) > 1 and parts[0] in {"payload", "page", "filters", "params", "data"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    msg = str(error.get("msg") or "This value is not valid.")
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if error.get("type") == "missing":
        return "This field is required."
    if error.get("type") == "json_invalid":
        return "The request body is not valid JSON."
    return msg[:1].upper() + msg[1:]


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out, seen = [], set()
    for error in errors:
        item = {"field": field_name(error.get("loc") or ()), "message": _message(error)}
        key = (item["field"], item["message"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# --- handlers --------------------------------------------------------------------------


def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = validation_errors(exc.errors)
    return ApiError(422, "Some of the input is not valid; see errors.", errors=errors).response()


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return exc.response()


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    headers = {}
    if isinstance(exc, Throttled) and exc.wait:
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return ApiError(exc.status_code, str(exc), headers=headers).response()


def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return ApiError(
        404, "Not found. Check the id; it may belong to another organization."
    ).response()


def _on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return ApiError(403, str(exc) or "Your role does not allow this.").response()


def _on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request %s %s failed", request.method, request.path)
    return ApiError(
        500, "Something went wrong on our side; nothing was changed. Try again."
    ).response()


def review_field(field: str) -> str:
    """The review services name an answer's field "statement-<uid>": the API's
    `answers.<uid>`; the promotion services name a statement's words and evidence
    "argument-<uid>" / "evidence-<uid>": the API's `case.<uid>.argument` / `.evidence`."""
    if field.startswith("statement-"):
        return "answers." + field.removeprefix("statement-")
    for part in ("argument", "evidence"):
        if field.startswith(f"{part}-"):
            return f"case.{field.removeprefix(part + '-')}.{part}"
    return field


def domain_handlers() -> dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]:
    """Errors the services raise, as problems: a stale revision is a conflict (409), a
    rule the input breaks is invalid input (422) naming the field when the service does."""
    from frameworks.services import ConcurrentEditError, FrameworkError
    from people.services import PersonError, StaleEditError
    from reviews.errors import ReviewError, StaleError
    from reviews.models import FormLocked

    field_words = {"job_family": "family"}

    def stale(request: HttpRequest, exc: Exception) -> HttpResponse:
        return ApiError(409, str(exc).replace("Reload the page", "Read it again")).response()

    def rule(request: HttpRequest, exc: Exception) -> HttpResponse:
        field = getattr(exc, "field", None)
        errors = [{"field": field_words.get(field, field), "message": str(exc)}] if field else []
        return ApiError(422, str(exc), errors=errors or None).response()

    def review(request: HttpRequest, exc: Any) -> HttpResponse:
        """Problems per field are invalid input (422); without any, the cycle's or form's
        state does not allow the change (409)."""
        errors = [
            {"field": review_field(field), "message": message} for field, message in exc.errors
        ]
        return ApiError(422 if errors else 409, exc.message, errors=errors or None).response()

    return {
        StaleEditError: stale,
        ConcurrentEditError: stale,
        StaleError: stale,
        FormLocked: stale,
        ReviewError: review,
        PersonError: rule,
        FrameworkError: rule,
    }


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, _on_exception),
        (ValidationError, _on_validation),
        (HttpError, _on_http_error),
        (Http404, _on_404),
        (PermissionDenied, _on_403),
        (ApiError, _on_api_error),
        *domain_handlers().items(),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def as_problem(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A response Django made outside ninja (an unknown path, a wrong method, a server
    error page) as a problem; ninja's own answers pass unchanged."""
    content_type = response.get("Content-Type", "")
    if response.status_code < 400 or content_type.startswith((PROBLEM, "application/json")):
        return response
    status = response.status_code
    details = {
        404: "There is no such API path. See /api/v1/docs for every path.",
        405: f"{request.method} is not allowed here.",
        413: "The request is too large.",
    }
    detail = details.get(status, "The request could not be handled.")
    headers = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
    if status >= 500:
        detail = "Something went wrong on our side; nothing was changed. Try again."
    return ApiError(status, detail, headers=headers).response()
