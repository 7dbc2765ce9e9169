"""Structured logs: a request id on every request and every log line, and JSON lines
when LOG_FORMAT=json (one object per line, for a log collector).

`RequestIdMiddleware` takes the `X-Request-ID` a proxy or load balancer sent (if it
looks like an id) or makes one, sends it back in the response's `X-Request-ID`, and
logs one line per request (`clb.request`: method, path, status, milliseconds,
organization, user). `RequestIdFilter` puts the id on every record logged meanwhile;
`JsonFormatter` writes the records as JSON."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="-")
SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
access = logging.getLogger("clb.request")

# attributes every LogRecord has; anything else was passed with extra={...}
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            if access.isEnabledFor(logging.INFO):  # LOG_FORMAT=json
                self.log(request, response, started)
            return response
        finally:
            request_id.reset(token)

    @staticmethod
    def log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        org = getattr(request, "organization", None)
        user = getattr(request, "_cached_user", None)  # only if the request loaded it
        access.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.monotonic() - started) * 1000, 1),
                "organization": getattr(org, "slug", None),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
