from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from api.errors import API_PREFIX, as_problem
from core import dashboards
from organizations.access import OrgRequest, org_required


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """The product's public page; someone signed in to an organization goes to their home
    (the marketing page with its "start your trial" inside the app only confused)."""
    if getattr(request, "membership", None) is not None:
        return redirect("dashboard")
    return render(request, "core/landing.html")


@require_GET
def pricing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pricing.html")


@require_GET
def onet_attribution(request: HttpRequest) -> HttpResponse:
    return render(request, "core/onet_attribution.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@org_required()
def dashboard(request: OrgRequest) -> HttpResponse:
    context = dashboards.for_request(request)
    return render(request, context.pop("template"), context)


def no_organization(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if getattr(request, "membership", None) is not None:
        return redirect("dashboard")
    return render(request, "core/no_organization.html")


def mfa_required(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return render(request, "core/mfa_required.html")


# The error pages of the URLconf (clb/urls.py). Under /api/ they answer problem+json: the
# API's middleware converts what reaches it, but a request refused above it (a Host header
# the site does not serve: Django's CommonMiddleware) comes here directly.


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from organizations.models import ReadOnlyOrganization

    if request.path.startswith(API_PREFIX):
        return as_problem(request, HttpResponse(status=403))
    message = str(exception) if exception and str(exception) else "Your role does not allow this."
    read_only = isinstance(exception, ReadOnlyOrganization)
    return render(request, "403.html", {"message": message, "read_only": read_only}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return as_problem(request, HttpResponse(status=404))
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return as_problem(request, HttpResponse(status=400))
    return render(request, "400.html", status=400)
