"""View decorators: who may see a page. Missing and forbidden both answer 404 for
objects; a role too low answers 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from organizations.models import Membership, Organization, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """Any request, as `django_htmx`'s middleware leaves it: `htmx` is truthy for a
    request htmx made. Only for type checkers (as the two below): at run time it is
    Django's request."""

    htmx: HtmxDetails


class SignedInRequest(HtmxRequest):
    """The request of a view that requires a signed-in user (`login_required`, the
    operator's admin)."""

    user: User


class OrgRequest(SignedInRequest):
    """The request of a view behind `org_required`: a signed-in user, in an organization
    they are an active member of (`organizations.middleware.TenantMiddleware` sets these
    once per request; for the API, `api.auth` sets the user, organization and membership
    of the token, and `ApiRequest` types it)."""

    organization: Organization
    membership: Membership
    all_memberships: list[Membership]


def _has_mfa(request: HttpRequest) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()


View = Callable[..., HttpResponse]
Gate = Callable[[HttpRequest, Any], "HttpResponse | None"]

# Checks that apps above this one add to every organization page (e.g. company sign-in:
# sso/gate.py). Each gets the request and the membership and returns a response to send
# instead of the page, or None. Registered from the app's AppConfig.ready().
GATES: list[Gate] = []


def register_gate(gate: Gate) -> Gate:
    if gate not in GATES:
        GATES.append(gate)
    return gate


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def org_required(
    role: str = Role.MEMBER, *, allow_when_read_only: bool = False
) -> Callable[[View], View]:
    """The request must belong to an organization and the member must have `role`.

    Unsafe methods (POST, ...) are refused while the organization is read-only (the
    trial has ended), unless `allow_when_read_only` (e.g. switching organization).
    Owners and HR admins of an organization that requires MFA must set it up first."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None:
                if kwargs:
                    raise Http404("Not found")
                return redirect("no_organization")
            if not membership.has_role(role):
                who = "an owner" if role == Role.OWNER else "an HR admin or an owner"
                raise PermissionDenied(
                    f"Only {who} can open this page or make this change. "
                    "If you need it, ask them to do it or to change your role."
                )
            org = request.organization  # type: ignore[attr-defined]
            if org.require_mfa_for_admins and membership.is_admin and not _has_mfa(request):
                return redirect("mfa_required")
            for gate in GATES:
                if (response := gate(request, membership)) is not None:
                    return response
            if request.method not in SAFE_METHODS and not allow_when_read_only:
                org.ensure_writable()
            return view(request, *args, **kwargs)

        wrapped.org_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorator


member_required = org_required(Role.MEMBER)
admin_required = org_required(Role.HR_ADMIN)
owner_required = org_required(Role.OWNER)
