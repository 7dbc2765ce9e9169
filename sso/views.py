from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from organizations.access import OrgRequest, org_required
from organizations.actions import act_on
from organizations.models import Membership, Role
from sso import services
from sso.forms import CompanyEmailForm, DomainForm, SignInSettingsForm
from sso.gate import enforced_settings, signed_in_through
from sso.models import EmailDomain, ScimLink, ScimToken, SignInSettings
from sso.providers import settings_for_email
from sso.services import SignInError


def _redirect_to_provider(request: HttpRequest, row: SignInSettings) -> HttpResponse:
    provider = get_adapter(request).get_provider(request, row.provider_id)
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = provider.redirect(request, AuthProcess.LOGIN, next_url=wanted if safe else None)
    if response.status_code not in (301, 302, 303):
        return response
    # Our Content-Security-Policy allows forms to go to this site only ("form-action
    # 'self'"), and browsers apply it to the redirects that follow a form. So the form
    # lands on this page, which sends the browser on to the identity provider.
    url = response["Location"]
    if urlsplit(url).scheme not in ("https", "http"):  # from the provider's configuration
        raise Http404("Not found")
    page = render(request, "sso/redirecting.html", {"url": url, "row": row})
    for cookie in response.cookies.values():
        page.cookies[cookie.key] = cookie
    return page


def start(request: HttpRequest) -> HttpResponse:
    """ "Sign in with your company account": the address decides the identity provider."""
    form = CompanyEmailForm(request.POST or None, initial={"email": request.GET.get("email")})
    if request.method == "POST" and form.is_valid():
        row = settings_for_email(form.cleaned_data["email"])
        if row is not None:
            return _redirect_to_provider(request, row)
        domain = form.cleaned_data["email"].rpartition("@")[2]
        form.add_error(
            "email",
            f"No organization signs in with a company account at {domain}. Log in with "
            "your password instead, or ask your HR team how you should sign in.",
        )
    return render(request, "sso/start.html", {"form": form})


def start_for(request: HttpRequest, key: str) -> HttpResponse:
    """Company sign-in for one organization (the button on the "sign in again" page)."""
    from sso.providers import settings_for_key

    row = settings_for_key(key)
    if row is None or not row.is_active:
        raise Http404("Not found")
    if request.method != "POST":
        return redirect("sso:start")
    return _redirect_to_provider(request, row)


def required(request: HttpRequest) -> HttpResponse:
    """Shown instead of an organization's pages to a member who logged in with a password
    when the organization requires its company account."""
    membership = getattr(request, "membership", None)
    if not request.user.is_authenticated or membership is None:
        return redirect("account_login")
    row = enforced_settings(membership.organization)
    if row is None or membership.is_owner or signed_in_through(request, row):
        return redirect("dashboard")
    return render(request, "sso/required.html", {"row": row}, status=403)


def _endpoints(request: HttpRequest, row: SignInSettings) -> dict[str, str]:
    """What the organization's IT team enters at the identity provider."""
    absolute = request.build_absolute_uri
    key = row.public_id
    return {
        "oidc_redirect": absolute(
            reverse("openid_connect_callback", kwargs={"provider_id": f"oidc-{key}"})
        ),
        "saml_acs": absolute(reverse("saml_acs", kwargs={"organization_slug": key})),
        "saml_entity": absolute(reverse("saml_metadata", kwargs={"organization_slug": key})),
        "login_url": absolute(reverse("sso:start")),
        "scim_base": absolute("/scim/v2/"),
    }


@sensitive_post_parameters("oidc_client_secret")
@org_required(Role.HR_ADMIN)
def settings_page(request: OrgRequest) -> HttpResponse:
    org = request.organization
    is_owner = request.membership.is_owner
    row = services.settings_for(org)
    initial = {
        **{f: getattr(row, f) for f in services.AUDITED if f != "password_login"},
        "saml_certificate": row.saml_certificate,
        "password_login_off": not row.password_login,
        "revision": row.revision,
    }
    form = SignInSettingsForm(request.POST or None, initial=initial, has_secret=row.has_secret)
    if not is_owner:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only an owner can change company sign-in.")
        if form.is_valid():
            try:
                services.update_sign_in(
                    org,
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"],
                    **form.service_fields(),
                )
            except SignInError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, "Company sign-in saved.")
                return redirect("sso:settings")
    domains = list(EmailDomain.objects.all())
    verified = {d.domain for d in domains if d.is_verified}
    outside = (
        Membership.objects.filter(organization=org, is_active=True)
        .exclude(role=Role.OWNER)
        .select_related("user")
    )
    context = {
        "form": form,
        "row": row,
        "can_edit": is_owner,
        "domains": domains,
        "verified_any": bool(verified),
        "domain_form": DomainForm(),
        "endpoints": _endpoints(request, row),
        "outside": [m for m in outside if m.user.email.rpartition("@")[2] not in verified],
        "scim_token": ScimToken.objects.filter(revoked_at__isnull=True).first(),
        "scim_people": ScimLink.objects.filter(deleted_at__isnull=True).count(),
    }
    return render(request, "sso/settings.html", context)


@require_POST
@org_required(Role.OWNER)
def domain_add(request: OrgRequest) -> HttpResponse:
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            item = services.add_domain(
                request.organization,
                actor=request.user,
                domain=form.cleaned_data["domain"],
            )
        except SignInError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{item.domain} added. Publish the DNS record below, then check it."
            )
    else:
        messages.error(request, "Enter a domain such as example.com.")
    return redirect(reverse("sso:settings") + "#domains")


def _domain_action(request: HttpRequest, domain_id: str, action: Any, done: str) -> HttpResponse:
    item = get_object_or_404(EmailDomain, public_id=domain_id)  # another's: 404 first
    to = reverse("sso:settings") + "#domains"
    return act_on(request, item, action, SignInError, to, done.format(domain=item.domain))


@org_required(Role.OWNER)
def domain_verify(request: OrgRequest, domain_id: str) -> HttpResponse:
    return _domain_action(request, domain_id, services.verify_domain, "{domain} is verified.")


@org_required(Role.OWNER)
def domain_remove(request: OrgRequest, domain_id: str) -> HttpResponse:
    return _domain_action(request, domain_id, services.remove_domain, "{domain} removed.")


@org_required(Role.OWNER)
def provisioning(request: OrgRequest) -> HttpResponse:
    """The SCIM token: made (or replaced) here, shown once."""
    org = request.organization
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_scim_tokens(org, actor=request.user)
            messages.success(request, "Provisioning is off: the token no longer works.")
            return redirect("sso:provisioning")
        _row, token = services.create_scim_token(org, actor=request.user)
    context = {
        "token": token,
        "active": ScimToken.objects.filter(revoked_at__isnull=True).first(),
        "endpoints": _endpoints(request, services.settings_for(org)),
        "scim_people": ScimLink.objects.filter(deleted_at__isnull=True).count(),
    }
    response = render(request, "sso/provisioning.html", context)
    response["Cache-Control"] = "no-store"
    return response
