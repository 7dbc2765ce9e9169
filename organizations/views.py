from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from organizations.access import org_required
from organizations.forms import AuditFilterForm, OrganizationSettingsForm
from organizations.middleware import SESSION_KEY
from organizations.models import AuditEntry, Role
from organizations.services import update_settings


@require_POST
@org_required(allow_when_read_only=True)
def switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization", "")
    if any(m.organization.public_id == wanted for m in request.all_memberships):  # type: ignore[attr-defined]
        request.session[SESSION_KEY] = wanted
    return redirect("dashboard")


@org_required(Role.HR_ADMIN)
def settings_view(request: HttpRequest) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    is_owner = request.membership.is_owner  # type: ignore[attr-defined]
    form = OrganizationSettingsForm(
        request.POST or None,
        initial={"name": org.name, "require_mfa_for_admins": org.require_mfa_for_admins},
    )
    if request.method == "POST":
        if not is_owner:
            messages.error(request, "Only an owner can change these settings.")
        elif form.is_valid():
            update_settings(org, actor=request.user, **form.cleaned_data)
            messages.success(request, "Settings saved.")
            return redirect("organizations:settings")
    return render(request, "organizations/settings.html", {"form": form, "can_edit": is_owner})


@org_required(Role.HR_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor")
    if form.is_valid():
        entries = form.apply(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "organizations/audit_log.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})
