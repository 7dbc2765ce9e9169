"""PDFs of ladders with WeasyPrint. The stylesheet is read from disk (no network)."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, context, request=request)
    stylesheets = []
    for path in ("css/app.css",):
        found = finders.find(path)
        if found:
            stylesheets.append(CSS(filename=str(found)))
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url, url_fetcher=_no_fetch).write_pdf(
        stylesheets=stylesheets
    )


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Never fetch anything while rendering a PDF; everything needed is inline."""
    raise ValueError(f"not fetched: {url}")
