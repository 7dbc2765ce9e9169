"""Team and organization views: the gap heatmap, the biggest gaps, and exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from frameworks.models import JobFamily
from growth.exports import heatmap_csv, heatmap_xlsx
from growth.selectors import BANDS, GROUPINGS, Heatmap, heatmap, released_cycles
from growth.views.common import viewer
from organizations.access import OrgRequest, org_required
from people.models import Person
from people.selectors import report_ids
from reviews.models import Participant

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heatmap(request: OrgRequest) -> tuple[Heatmap | None, dict[str, Any]]:
    me = viewer(request)
    cycles = released_cycles()
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if c.public_id == chosen), cycles[0] if cycles else None)
    filters = {
        "cycle": cycle.public_id if cycle else "",
        "family": request.GET.get("family", ""),
        "level": request.GET.get("level", ""),
        "manager": request.GET.get("manager", ""),
        "group": request.GET.get("group", "person"),
    }
    context: dict[str, Any] = {
        "cycles": cycles,
        "filters": filters,
        "groupings": GROUPINGS,
        "bands": BANDS,
        "has_team": me.is_admin or bool(me.reports),
    }
    if cycle is None or not context["has_team"]:
        return None, context
    visible = None if me.is_admin else me.reports
    if "family" not in request.GET:  # one ladder at a time, the largest first
        filters["family"] = _largest_family(cycle, visible)
    family = (
        JobFamily.objects.filter(public_id=filters["family"]).first()
        if filters["family"] not in ("", "all")
        else None
    )
    under = None
    if filters["manager"]:
        manager = Person.objects.filter(public_id=filters["manager"]).first()
        under = report_ids(manager) if manager else set()
    heat = heatmap(
        cycle,
        visible=visible,
        family_id=family.pk if family else None,
        level_uid=filters["level"],
        under=under,
        group_by=filters["group"],
    )
    context["family_name"] = family.name if family else ""
    return heat, context


def _largest_family(cycle: Any, visible: set[int] | None) -> str:
    parts = Participant.objects.filter(cycle=cycle, family__isnull=False)
    if visible is not None:
        parts = parts.filter(person_id__in=list(visible))
    row = (
        parts.values("family__public_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "family__name")
        .first()
    )
    return row["family__public_id"] if row else "all"


@org_required()
@require_GET
def team(request: OrgRequest) -> HttpResponse:
    heat, context = _heatmap(request)
    if heat is not None:
        page = Paginator(heat.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = {k: v for k, v in context["filters"].items() if v}
        context.update(
            heat=heat,
            page=page,
            query=urlencode(query),
            family_options=_family_options(heat),
            manager_options=[
                (p, name)
                for p, name in Person.objects.filter(pk__in=[m[0] for m in heat.managers])
                .values_list("public_id", "name")
                .order_by("name")
            ],
        )
    return render(request, "growth/team.html", context)


def _family_options(heat: Heatmap) -> list[tuple[str, str]]:
    ids = [f[0] for f in heat.families]
    return list(
        JobFamily.objects.filter(pk__in=ids).order_by("name").values_list("public_id", "name")
    )


def _filename(heat: Heatmap, ext: str) -> str:
    return f"{slugify(f'gaps {heat.cycle.name} by {heat.group_by}') or 'gaps'}.{ext}"


def _export(request: OrgRequest, ext: str) -> HttpResponse:
    heat, _ = _heatmap(request)
    if heat is None:
        return HttpResponse("No review results to export yet.\n", content_type="text/plain")
    if ext == "csv":
        response = HttpResponse(heatmap_csv(heat), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(heatmap_xlsx(heat), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(heat, ext)}"'
    return response


@org_required()
@require_GET
def team_csv(request: OrgRequest) -> HttpResponse:
    return _export(request, "csv")


@org_required()
@require_GET
def team_xlsx(request: OrgRequest) -> HttpResponse:
    return _export(request, "xlsx")
