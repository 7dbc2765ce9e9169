"""The ROI calculator: the arithmetic on hand-worked cases, the page with and without
htmx, the chart, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from billing.roi import Inputs, calculate

pytestmark = pytest.mark.django_db


def inputs(**overrides) -> Inputs:
    values = {
        "headcount": 100,
        "salary": 70000.0,
        "turnover_pct": 15.0,
        "path_share_pct": 20.0,
        "kept_pct": 25.0,
        "paperwork_hours": 300.0,
        "paperwork_saved_pct": 30.0,
        "hourly_cost": None,
        "price_per_year": 2490.0,
    }
    return Inputs(**{**values, **overrides})


def test_the_defaults_worked_by_hand():
    r = calculate(inputs())
    # 100 people × 15% = 15 leavers; 20% of them for lack of a path = 3; a ladder keeps 25% = 0.75
    assert (r.leavers, r.path_leavers, r.kept) == (15, 3, 0.75)
    # 70,000 / 1,760 h = 39.7727…/h; 300 h of paperwork = 11,931.82
    assert r.hourly_cost == pytest.approx(39.772727, abs=1e-5)
    assert r.paperwork_cost == pytest.approx(11931.82, abs=0.01)
    # status quo: 3 × 70,000 × 0.5 = 105,000 (+ paperwork) … 3 × 70,000 × 2 = 420,000 (+ paperwork)
    assert r.status_quo_low == pytest.approx(116931.82, abs=0.01)
    assert r.status_quo_high == pytest.approx(431931.82, abs=0.01)
    # recovered: 0.75 × 70,000 × 0.5 = 26,250 … × 2 = 105,000, plus 30% of 11,931.82 = 3,579.55
    assert r.recovered_low == pytest.approx(29829.55, abs=0.01)
    assert r.recovered_high == pytest.approx(108579.55, abs=0.01)
    assert r.net_low == pytest.approx(27339.55, abs=0.01)
    # 2,490 / (70,000 × 0.5) = 0.0711 people a year pays for it
    assert r.break_even_people == pytest.approx(0.071143, abs=1e-5)


def test_a_given_hourly_cost_replaces_the_derived_one():
    r = calculate(inputs(hourly_cost=80.0, paperwork_hours=50.0, paperwork_saved_pct=50.0))
    assert r.hourly_cost == 80 and r.paperwork_cost == 4000
    # 3 × 70,000 × 0.5 + 4,000 ; 0.75 × 70,000 × 0.5 + 2,000
    assert (r.status_quo_low, r.recovered_low) == (109000, 28250)


def test_no_turnover_recovers_only_paperwork():
    r = calculate(inputs(turnover_pct=0.0, hourly_cost=50.0, paperwork_hours=100.0))
    assert (r.leavers, r.kept) == (0, 0)
    assert r.status_quo_low == r.status_quo_high == 5000
    assert r.recovered_low == r.recovered_high == 1500
    assert r.net_low == 1500 - 2490


def test_the_page_works_as_a_plain_get_form(client):
    response = client.get(
        reverse("billing:roi"),
        {
            "headcount": "50",
            "salary": "60000",
            "turnover": "20",
            "path_share": "30",
            "kept": "20",
            "paperwork_hours": "100",
            "paperwork_saved": "25",
            "hourly_cost": "50",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get"' in body and "Calculate" in body
    # 50 × 20% × 30% = 3 leavers for lack of a path: 3 × 60,000 × 0.5 + 100 × 50 = 95,000
    assert "$95,000–$365,000" in body
    # kept 0.6: 0.6 × 60,000 × 0.5 + 25% of 5,000 = 19,250 … 0.6 × 120,000 + 1,250 = 73,250
    assert "$19,250–$73,250" in body
    assert "$2,490" in body
    for source in ("SHRM", "Gallup", "50", "200%", "1,760"):
        assert source in body
    assert 'src="/roi/chart.svg?headcount=50' in body
    assert 'alt="Bar chart. The status quo costs $95,000 to $365,000 a year' in body


def test_htmx_gets_the_results_only(client):
    response = client.get(reverse("billing:roi"), {"headcount": "10"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="roi__results" id="roi-results"')
    assert "<form" not in body


def test_bad_numbers_are_explained_not_calculated(client):
    body = client.get(reverse("billing:roi"), {"turnover": "150", "headcount": "x"}).content
    assert b"Check the numbers" in body
    assert b"Yearly turnover (%)" in body and b"100" in body
    assert client.get(reverse("billing:roi_chart"), {"headcount": "-1"}).status_code == 400


def test_the_chart_is_an_svg_image_without_scripts(client):
    response = client.get(reverse("billing:roi_chart"))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
    assert "Cost of the status quo" in svg and "$2,490 a year" in svg


def test_landing_and_pricing_link_to_the_calculator():
    for name in ("landing", "pricing"):
        assert reverse("billing:roi").encode() in Client().get(reverse(name)).content
