"""The billing page (owners), the Stripe checkout and portal hand-offs, and the webhook."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billing import gateway
from billing.selectors import plan_status, prices
from billing.services import BillingError, handle_event, open_portal, start_checkout
from organizations.access import OrgRequest, org_required
from organizations.models import Organization, Role

log = logging.getLogger(__name__)
owner_only = org_required(Role.OWNER, allow_when_read_only=True)


def _absolute(request: HttpRequest, path: str) -> str:
    return (
        settings.SITE_URL.rstrip("/") + path
        if settings.SITE_URL
        else request.build_absolute_uri(path)
    )


@require_GET
@owner_only
def index(request: OrgRequest) -> HttpResponse:
    org = request.organization
    status = plan_status(org)
    confirming = request.GET.get("checkout") == "done" and status.state in {
        "trial",
        "expired",
        "ended",
    }
    context = {
        "status": status,
        "prices": prices(),
        "confirming": confirming,
        "contact": settings.BILLING_CONTACT_EMAIL,
    }
    if request.htmx and request.GET.get("checkout") == "done" and not confirming:
        # Stripe confirmed while the page waited: reload it whole (banner, menus, forms)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    template = "billing/index.html"
    if request.htmx:
        template += "#plan"
    return render(request, template, context)


def to_stripe(
    view: Callable[[OrgRequest, Organization], str],
) -> Callable[[OrgRequest], HttpResponse]:
    """The view asks Stripe for one of its pages for the organization and answers its
    address; the owner goes there, or back to the billing page with Stripe's refusal."""

    @wraps(view)
    def wrapped(request: OrgRequest) -> HttpResponse:
        try:
            url = view(request, request.organization)
        except BillingError as error:
            messages.error(request, str(error))
            return redirect("billing:index")
        return redirect(url)

    return wrapped


@require_POST
@owner_only
@to_stripe
def checkout(request: OrgRequest, org: Organization) -> str:
    return start_checkout(
        org,
        actor=request.user,
        interval=request.POST.get("interval", ""),
        success_url=_absolute(request, reverse("billing:index") + "?checkout=done"),
        cancel_url=_absolute(request, reverse("billing:index") + "?checkout=cancelled"),
    )


@require_POST
@owner_only
@to_stripe
def portal(request: OrgRequest, org: Organization) -> str:
    return open_portal(
        org, actor=request.user, return_url=_absolute(request, reverse("billing:index"))
    )


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events, signed with the endpoint's secret. A bad signature answers 400 and
    changes nothing; Stripe retries anything but 2xx, so an outage answers 503."""
    try:
        event = gateway.verify_event(request.body, request.headers.get("Stripe-Signature", ""))
    except ValueError as error:
        log.warning("Refused a Stripe webhook: %s", error)
        return HttpResponseBadRequest("The signature does not match.")
    try:
        outcome = handle_event(event)
    except BillingError:
        return HttpResponse("Try again later.", status=503)
    return JsonResponse({"received": True, "outcome": outcome})
