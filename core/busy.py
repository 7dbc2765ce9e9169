"""A write that cannot get the database answers "busy, try again" (503), never a server
error. On SQLite one write happens at a time: a request that waited the whole busy
timeout for another organization's long write gets `database is locked`. The change it
tried was rolled back with its transaction, so nothing half-saved is left behind."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)
BUSY_MARKERS = ("database is locked", "database table is locked", "lock timeout")
MESSAGE = "Another change was being saved while you sent yours, and it took too long to wait."


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in BUSY_MARKERS)


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("Busy: %s %s (%s)", request.method, request.path, exception)
        response = render(request, "503_busy.html", {"message": MESSAGE}, status=503)
        response["Retry-After"] = "5"
        return response
