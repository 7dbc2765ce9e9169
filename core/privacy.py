"""Personal data is not kept by browsers or proxies, and refusals log one line.

- `NoStoreForSignedInMiddleware`: every response to a signed-in person (pages, the
  people list, ladders, PDFs, spreadsheet and CSV downloads) says `Cache-Control:
  no-store, private`, so the back button on a shared computer or a proxy cache does not
  keep someone's ladder after they log out.
- `OneLineRefusals`: Django logs a 403 (PermissionDenied) with the whole traceback; a
  refusal is expected, so it becomes one line ("Forbidden (Permission denied): /path").
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


def install_log_filter() -> None:
    """Called from CoreConfig.ready(): after LOGGING is applied, whatever it says."""
    logger = logging.getLogger("django.request")
    if not any(isinstance(f, OneLineRefusals) for f in logger.filters):
        logger.addFilter(OneLineRefusals())
