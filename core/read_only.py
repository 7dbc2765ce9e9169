"""A read-only organization (an ended trial or subscription) offers no change it would
refuse.

Every write checks `organization.ensure_writable()` and answers 403, so a form shown to
a read-only organization only loses what the person typed. `ReadOnlyFormsMiddleware`
removes, from every page of a read-only organization, each POST form and htmx post
whose URL is not in `ALLOWED` (what still works: log out, switch organization, pay,
check a statement, …). The first form with fields to fill in is replaced by a short
notice saying why; button-only forms (Remove, Remind, …) simply go. Templates may still
hide their own controls with `org.is_read_only` for a tidier page; this is the floor.
`tests/organizations/test_read_only_forms.py` opens every page as each role of a
read-only organization and fails on a POST form to a URL not named here."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

ALLOWED = frozenset(
    {
        "account_logout",
        "organizations:switch",
        # a new organization of one's own is not this one
        "accounts:create_organization",
        # company sign-in starts a login, it changes nothing here
        "sso:start",
        # paying is how a read-only organization becomes writable again
        "billing:checkout",
        "billing:portal",
        # checking statements changes nothing
        "frameworks:lint",
        # revoking an API token only closes access
        "api_tokens:revoke",
        # data rights do not end with a trial (docs/data-rights.md)
        "datarights:person_erase",
        "datarights:organization_export",
        "datarights:organization_delete",
        "datarights:organization_delete_cancel",
    }
)

_FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.DOTALL | re.IGNORECASE)
_METHOD_POST = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)
_ACTION = re.compile(r"""\b(?:hx-post|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_HX_POST = re.compile(r"""\shx-post\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_FIELDS = re.compile(
    r"<(?:textarea|select)\b|<input\b(?![^>]*type\s*=\s*[\"']?(?:hidden|submit|button)\b)",
    re.IGNORECASE,
)


def allowed(url: str, page: str) -> bool:
    path = urlsplit(url).path or page
    try:
        return resolve(path).view_name in ALLOWED
    except Resolver404:
        return True  # not ours (an external provider)


def strip_refused(html: str, page: str, notice: str) -> str:
    """`html` without the POST forms and htmx posts a read-only organization refuses."""
    noticed = False

    def form(match: re.Match[str]) -> str:
        nonlocal noticed
        attrs = match.group("attrs")
        hx = _HX_POST.search(attrs)
        if not _METHOD_POST.search(attrs) and not hx:
            return match.group(0)
        found = hx or _ACTION.search(attrs)
        action = found.group(1) if found else ""
        if allowed(action, page):
            return match.group(0)
        if _FIELDS.search(match.group("body")) and not noticed:
            noticed = True
            return f'<p class="notice notice--warning read-only-note">{escape(notice)}</p>'
        return ""

    html = _FORM.sub(form, html)
    # htmx posts outside a form (a button, a cell): the element stays, inert
    return _HX_POST.sub(lambda m: m.group(0) if allowed(m.group(1), page) else "", html)


class ReadOnlyFormsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        org = getattr(request, "organization", None)
        if (
            org is None
            or not org.is_read_only
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        notice = (
            f"{org.name} is read-only, so this cannot be changed now. "
            "You can still view and export everything."
        )
        content = response.content.decode(response.charset or "utf-8")
        changed = strip_refused(content, request.path, notice)
        if changed != content:
            response.content = changed.encode(response.charset or "utf-8")
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
