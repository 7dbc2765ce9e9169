from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import (
    AcceptInvitationForm,
    CreateOrganizationForm,
    InviteByEmailForm,
    InvitePersonForm,
)
from accounts.models import Invitation
from accounts.services import (
    InvitationError,
    accept_invitation,
    existing_user_for,
    find_invitation,
    invite_by_email,
    invite_everyone,
    invite_person,
    people_without_login,
    revoke_invitation,
    user_may_accept,
)
from organizations.access import OrgRequest, org_required
from organizations.actions import act_on
from organizations.middleware import SESSION_KEY
from organizations.models import Role
from organizations.services import OrganizationError, create_organization
from people.models import Person

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _invitation_lists(request: HttpRequest) -> dict:
    now = timezone.now()
    invitations = Invitation.objects.select_related("person", "invited_by")
    pending = invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )
    accepted = invitations.filter(accepted_at__isnull=False)[:50]
    lapsed = invitations.filter(accepted_at__isnull=True).filter(
        Q(revoked_at__isnull=False) | Q(expires_at__lte=now)
    )[:50]
    return {"pending": list(pending), "accepted": list(accepted), "lapsed": list(lapsed)}


@org_required(Role.HR_ADMIN)
def invitations(request: OrgRequest) -> HttpResponse:
    """Who has been invited, and a small form to invite someone by e-mail."""
    org = request.organization
    can_invite_owner = request.membership.is_owner
    form = InviteByEmailForm(
        request.POST if request.method == "POST" else None, can_invite_owner=can_invite_owner
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_by_email(org, actor=request.user, **form.cleaned_data)
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:invitations")
    context = {
        "form": form,
        "without_login": len(people_without_login(org)),
        **_invitation_lists(request),
    }
    return render(request, "accounts/invitations.html", context)


@org_required(Role.HR_ADMIN)
@require_POST
def invite_all(request: OrgRequest) -> HttpResponse:
    """Invite everyone in the directory who cannot log in yet, as members."""
    sent, stopped = invite_everyone(request.organization, actor=request.user)
    if sent:
        messages.success(
            request, f"Invitations sent to {sent} {'person' if sent == 1 else 'people'}."
        )
    if stopped:
        messages.error(request, stopped)
    elif not sent:
        messages.info(request, "Everyone can already log in or has an invitation waiting.")
    return redirect("accounts:invitations")


@org_required(Role.HR_ADMIN)
def invite(request: OrgRequest, person_id: str) -> HttpResponse:
    """Send (or send again) an invitation to someone in the people directory, then go back
    to their page (or `next`). POST only; the object is looked up first so another
    organization's id answers 404."""
    org = request.organization
    person = get_object_or_404(Person, public_id=person_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = InvitePersonForm(
        request.POST,
        can_invite_owner=request.membership.is_owner,
    )
    if not form.is_valid():
        if request.POST.get("role") == Role.OWNER:
            messages.error(request, "Only an owner can invite another owner.")
        else:
            messages.error(request, "Choose a role for the invitation.")
    else:
        try:
            invitation = invite_person(
                org, person, role=form.cleaned_data["role"], actor=request.user
            )
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {person.name} ({invitation.email}). "
                "The link works for 14 days.",
            )
    return redirect(_next_url(request, reverse("people:detail", args=[person.public_id])))


@org_required(Role.HR_ADMIN)
def revoke(request: OrgRequest, invitation_id: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation, public_id=invitation_id)
    return act_on(
        request,
        invitation,
        revoke_invitation,
        InvitationError,
        _next_url(request, "accounts:invitations"),
        f"Invitation for {invitation.email} withdrawn. The link no longer works.",
    )


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's landing page: set a name and password (or log in first), then join."""
    state = find_invitation(token)
    invitation = state.invitation
    if invitation is None:
        return render(
            request, "accounts/invitation_invalid.html", {"problem": "unknown"}, status=404
        )
    org = invitation.organization
    context: dict = {"invitation": invitation, "inviting_org": org}
    if state.problem:
        context["problem"] = state.problem
        return render(request, "accounts/invitation_invalid.html", context, status=410)
    if org.is_read_only:
        context["problem"] = "read_only"
        return render(request, "accounts/invitation_invalid.html", context, status=403)

    user = request.user if request.user.is_authenticated else None
    if user is not None and not user_may_accept(invitation, user):
        return render(request, "accounts/invitation_wrong_user.html", context, status=403)
    if user is None and existing_user_for(invitation.email) is not None:
        return render(request, "accounts/invitation_login.html", context)

    form = AcceptInvitationForm(
        request.POST if (request.method == "POST" and user is None) else None,
        email=invitation.email,
        initial={"name": invitation.person.name if invitation.person else ""},
    )
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            if user is not None:
                accept_invitation(token, user=user)
            else:
                _, user = accept_invitation(
                    token,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
                login(request, user, backend=LOGIN_BACKEND)
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            request.session[SESSION_KEY] = org.public_id
            messages.success(request, f"Welcome to {org.name}.")
            return redirect("dashboard")
    context["form"] = form
    context["logged_in_user"] = user
    return render(request, "accounts/invitation_accept.html", context)


@login_required
def create_org(request: HttpRequest) -> HttpResponse:
    """A logged-in person without an organization starts one, on a free trial."""
    if not settings.SIGNUP_OPEN:
        return render(request, "account/signup_closed.html", status=403)
    form = CreateOrganizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            org = create_organization(
                name=form.cleaned_data["name"],
                owner=request.user,
                owner_name=request.user.get_full_name(),  # type: ignore[union-attr]
            )
        except OrganizationError as error:
            form.add_error("name", str(error))
        else:
            request.session[SESSION_KEY] = org.public_id
            messages.success(request, f"{org.name} is ready. Your free trial has started.")
            return redirect("dashboard")
    return render(request, "accounts/create_organization.html", {"form": form})
