"""HR's growth settings: the readiness rule and suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from growth import services
from growth.forms import SettingsForm, apply_errors
from growth.selectors import rule_for
from growth.selectors.rules import settings_row
from organizations.access import OrgRequest, org_required
from organizations.models import Role
from reviews.errors import ReviewError, StaleError
from reviews.models import Scale
from reviews.services import ensure_scale


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def settings(request: OrgRequest) -> HttpResponse:
    org = request.organization
    scale = Scale(ensure_scale(org).snapshot())
    row = settings_row(org)
    rule = rule_for(org, scale, row=row)
    initial = {
        "readiness_rater": rule.rater,
        "readiness_percent": rule.percent,
        "readiness_rating": str(row.readiness_rating) if row and row.readiness_rating else "",
        "suggestions": row.suggestions if row else 3,
        "revision": row.revision if row else 0,
    }
    form = SettingsForm(request.POST or None, scale=scale, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.update_settings(
                org,
                actor=request.user,
                expected_revision=data.pop("revision"),
                **data,
            )
        except StaleError as exc:
            form.add_error(None, exc.message)
        except ReviewError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The growth settings were saved.")
            return redirect("growth:settings")
    return render(request, "growth/settings.html", {"form": form, "rule": rule, "scale": scale})
