"""The gap report as a PDF (WeasyPrint). Nothing is fetched while rendering: the
stylesheet is read from disk and charts are data: URIs, the only URLs allowed."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

# WeasyPrint narrates every step and every CSS rule it skips at INFO/WARNING; a PDF a
# minute would flood the logs. Real failures are errors.
for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context, request=request)
    found = finders.find("css/app.css")
    stylesheets = [CSS(filename=str(found))] if found else []
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)
