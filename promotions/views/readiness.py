"""The readiness list: who meets the organization's readiness rule for a level one step
up, with the figure and the evidence (HR: everyone; a manager: the people below them)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations.access import OrgRequest, org_required
from promotions.selectors import readiness_list
from promotions.views.common import is_lead, viewer

PAGE_SIZE = 50


@org_required()
@require_GET
def readiness(request: OrgRequest) -> HttpResponse:
    if not is_lead(request):
        raise PermissionDenied("The readiness list is for HR and for managers of a team.")
    wanted = {k: request.GET.get(k, "")[:40] for k in ("family", "level", "manager")}
    everyone = request.GET.get("show") == "everyone"
    data = readiness_list(
        request.organization,
        viewer(request),
        everyone=everyone,
        **wanted,
    )
    filters = {k: v for k, v in wanted.items() if v}
    return render(
        request,
        "promotions/readiness.html",
        {
            "data": data,
            "wanted": wanted,
            "everyone": everyone,
            "page": Paginator(data.candidates, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": urlencode(filters),
            "page_query": urlencode({**filters, "show": "everyone"} if everyone else filters),
            "me": viewer(request),
        },
    )
