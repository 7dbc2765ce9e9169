"""The gap report page and its PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from growth import charts, services
from growth.access import can_see_plan, report_visible
from growth.pdf import render_pdf
from growth.selectors import gap_report, released_participations
from growth.views.common import participant_or_404, person_or_404, viewer
from organizations.access import OrgRequest, org_required
from reviews.errors import ReviewError
from reviews.models import Participant


def report_context(request: OrgRequest, participant: Participant) -> dict[str, Any]:
    report = gap_report(participant)
    me = viewer(request)
    own = me.pk == participant.person_id
    others = [p for p in released_participations(participant.person) if report_visible(p, me)]
    return {
        "report": report,
        "person": participant.person,
        "own": own,
        "first_name": "you" if own else participant.person.name.split()[0],
        "can_plan": can_see_plan(me, participant.person),
        "chart": charts.data_uri(charts.gap_chart(report.competencies, report.scale)),
        "chart_alt": charts.gap_chart_alt(report.competencies, report.expected),
        "trend_charts": {
            t.uid: (charts.data_uri(charts.trend_chart(t, report.scale)), charts.trend_alt(t))
            for t in report.trends
        },
        "others": others,
    }


@org_required()
@require_GET
def report(request: OrgRequest, participant_id: str) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    return render(request, "growth/report.html", report_context(request, participant))


@org_required()
@require_GET
def latest_report(request: OrgRequest, person_id: str) -> HttpResponse:
    """The person's most recent released gap report."""
    person = person_or_404(request, person_id)
    me = viewer(request)
    for participant in released_participations(person):
        if report_visible(participant, me):
            return redirect("growth:report", participant_id=participant.public_id)
    raise Http404("No gap report yet")


@org_required()
@require_GET
def report_pdf(request: OrgRequest, participant_id: str) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    context = {**report_context(request, participant), "pdf": True}
    pdf = render_pdf("growth/report_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{participant.person.name} gap report {participant.cycle.name}")
    response["Content-Disposition"] = f'attachment; filename="{name or "gap-report"}.pdf"'
    return response


@org_required()
@require_http_methods(["GET", "POST"])
def suggest(request: OrgRequest, participant_id: str) -> HttpResponse:
    """Add the chosen suggested action items to the plan (a GET shows the report)."""
    participant = participant_or_404(request, participant_id)
    if request.method != "POST":
        return redirect("growth:report", participant_id=participant.public_id)
    keys = request.POST.getlist("suggestion")
    try:
        created = services.create_suggested_items(participant, actor=request.user, keys=keys)
    except ReviewError as exc:
        messages.error(request, exc.message)
        return redirect("growth:report", participant_id=participant.public_id)
    n = len(created)
    messages.success(
        request,
        f"{n} action item{'s were' if n != 1 else ' was'} added to the development plan. "
        "Adjust the owners, resources and dates below.",
    )
    return redirect("growth:plan", person_id=participant.person.public_id)
