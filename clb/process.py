"""What a web process does once, after Django is set up and before its first request."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> None:
    """Import every view now (the URL configuration: about 49 MB of modules, openpyxl and
    numpy among them), not inside the first request, then freeze what is loaded so far
    (`gc.freeze`). Python's full collections walk every tracked object; a process that
    has loaded Django and the project holds about 170,000 of them, which no request
    frees, so a request that happens to set off a full collection paid for walking them
    all (the p95 of `GET /api/v1/promotions` in `make bench`: docs/performance.md).
    Frozen objects are still freed by reference counting; only cycles among them are
    never collected, and the code and settings loaded at start-up live as long as the
    process anyway."""
    get_resolver().url_patterns  # noqa: B018 (imports every URLconf and view module)
    gc.freeze()
