from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organizations.access import OrgRequest, org_required
from organizations.forms import AuditFilterForm, OrganizationSettingsForm, RoleForm
from organizations.hooks import members_page_context
from organizations.middleware import SESSION_KEY
from organizations.models import AuditEntry, Membership, Role
from organizations.services import OrganizationError, set_role, update_settings


@require_POST
@org_required(allow_when_read_only=True)
def switch(request: OrgRequest) -> HttpResponse:
    wanted = request.POST.get("organization", "")
    if any(m.organization.public_id == wanted for m in request.all_memberships):
        request.session[SESSION_KEY] = wanted
    return redirect("dashboard")


@org_required(Role.HR_ADMIN)
def settings_view(request: OrgRequest) -> HttpResponse:
    org = request.organization
    is_owner = request.membership.is_owner
    form = OrganizationSettingsForm(
        request.POST or None,
        initial={"name": org.name, "require_mfa_for_admins": org.require_mfa_for_admins},
    )
    if not is_owner:  # shown, but not as something an HR admin could change
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not is_owner:
            messages.error(request, "Only an owner can change these settings.")
        elif form.is_valid():
            update_settings(org, actor=request.user, **form.cleaned_data)
            messages.success(request, "Settings saved.")
            return redirect("organizations:settings")
    return render(request, "organizations/settings.html", {"form": form, "can_edit": is_owner})


@org_required(Role.HR_ADMIN)
def audit_log(request: OrgRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor")
    if form.is_valid():
        entries = form.apply(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "organizations/audit_log.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


@org_required(Role.HR_ADMIN)
def members(request: OrgRequest) -> HttpResponse:
    """Everyone who can log in, with their role. Owners change roles here."""
    from allauth.mfa.models import Authenticator

    memberships = list(
        Membership.objects.filter(is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    with_mfa = set(
        Authenticator.objects.filter(
            user_id__in=[m.user_id for m in memberships], type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )
    for m in memberships:
        m.has_mfa = m.user_id in with_mfa
    context = {
        "memberships": memberships,
        "roles": Role.choices,
        "owner_count": sum(1 for m in memberships if m.role == Role.OWNER),
        # the person behind each login (people), pending invitations (accounts)
        **members_page_context(memberships),
    }
    return render(request, "organizations/members.html", context)


@org_required(Role.OWNER)
def change_role(request: OrgRequest, membership_id: str) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organization"), public_id=membership_id
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect("organizations:members")
    try:
        set_role(membership, role=form.cleaned_data["role"], actor=request.user)
    except OrganizationError as error:
        messages.error(request, str(error))
    else:
        who = membership.user.get_full_name() or membership.user.email
        messages.success(request, f"{who} is now {membership.get_role_display()}.")
    return redirect("organizations:members")
