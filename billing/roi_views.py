"""The public ROI calculator: a GET form that works without JavaScript; with htmx the
results update as you type. The chart is an SVG served from its own URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from billing.roi import ASSUMPTIONS, Inputs, Result, calculate
from billing.roi_chart import draw
from billing.templatetags.billing_tags import money
from organizations.access import HtmxRequest

DEFAULTS = {
    "headcount": 100,
    "salary": 70000,
    "turnover": 15,
    "path_share": 20,
    "kept": 25,
    "paperwork_hours": 300,
    "paperwork_saved": 30,
    "hourly_cost": "",
}


def _percent(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, help_text=help_text, min_value=0, max_value=100, decimal_places=1
    )


class RoiForm(forms.Form):
    headcount = forms.IntegerField(
        label="People in your company",
        min_value=1,
        max_value=100000,
        help_text="Everyone on the payroll.",
    )
    salary = forms.DecimalField(
        label="Average yearly salary",
        min_value=1,
        max_value=10_000_000,
        decimal_places=0,
        help_text="Before tax, in your currency.",
    )
    turnover = _percent("Yearly turnover (%)", "Leavers in a year as a share of headcount.")
    path_share = _percent(
        "Leavers who go for lack of a visible path (%)",
        "From your exit interviews, or your best estimate.",
    )
    kept = _percent(
        "Of those, how many a visible ladder would keep (%)",
        "Your estimate. Be cautious.",
    )
    paperwork_hours = forms.DecimalField(
        label="Manager hours a year on promotion and review paperwork",
        min_value=0,
        max_value=1_000_000,
        decimal_places=1,
        help_text="All managers together, e.g. 12 managers × 25 hours = 300.",
    )
    paperwork_saved = _percent("Paperwork time a written ladder saves (%)", "Your estimate.")
    hourly_cost = forms.DecimalField(
        label="A manager’s hourly cost",
        required=False,
        min_value=0,
        max_value=100_000,
        decimal_places=2,
        help_text="Leave empty to use the average salary ÷ 1,760 hours.",
    )

    def inputs(self) -> Inputs:
        d = self.cleaned_data
        return Inputs(
            headcount=d["headcount"],
            salary=float(d["salary"]),
            turnover_pct=float(d["turnover"]),
            path_share_pct=float(d["path_share"]),
            kept_pct=float(d["kept"]),
            paperwork_hours=float(d["paperwork_hours"]),
            paperwork_saved_pct=float(d["paperwork_saved"]),
            hourly_cost=float(d["hourly_cost"]) if d["hourly_cost"] is not None else None,
            price_per_year=float(settings.PRICE_PER_ORGANIZATION_YEARLY),
        )


def _form(query: QueryDict) -> RoiForm:
    data = {name: query.get(name, default) for name, default in DEFAULTS.items()}
    return RoiForm(data)


def _result(query: QueryDict) -> tuple[RoiForm, Result | None]:
    form = _form(query)
    return form, (calculate(form.inputs()) if form.is_valid() else None)


@require_GET
def calculator(request: HtmxRequest) -> HttpResponse:
    form, result = _result(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        "assumptions": ASSUMPTIONS,
        "chart_url": reverse("billing:roi_chart") + "?" + request.GET.urlencode()
        if request.GET
        else reverse("billing:roi_chart"),
    }
    template = "billing/roi.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_GET
def chart(request: HttpRequest) -> HttpResponse:
    result = _result(request.GET)[1]
    if result is None:
        return HttpResponse(status=400)
    response = HttpResponse(draw(result, money), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response
