"""The API tokens page (in the user menu): make a token (shown once), list and revoke.
Everyone manages their own tokens; HR admins see and can revoke everyone's."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from api.models import ApiToken
from api.tokens import TokenError, create_token, revoke_token, tokens_for
from organizations.access import OrgRequest, org_required

DAYS = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        help_text="For example “HRIS sync” or “Quarterly report script”.",
        error_messages={"required": "Say what the token is for, in a few words."},
    )
    scope = forms.ChoiceField(
        label="What it can do",
        choices=[
            (ApiToken.Scope.READ, "Read only: see what you can see"),
            (ApiToken.Scope.WRITE, "Read and change: also make the changes you can make"),
        ],
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(label="Stops working after", choices=DAYS, coerce=int, initial=90)


def _context(request: OrgRequest, form: TokenForm, new_token: str = "") -> dict:
    membership = request.membership
    return {
        "form": form,
        "tokens": list(tokens_for(membership)[:200]),
        "new_token": new_token,
        "is_admin": membership.is_admin,
        "read_only": request.organization.is_read_only,
    }


@org_required()
@require_http_methods(["GET", "POST"])
def tokens(request: OrgRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = create_token(
                request.organization,
                user=request.user,
                actor=request.user,
                name=form.cleaned_data["name"],
                write=form.cleaned_data["scope"] == ApiToken.Scope.WRITE,
                days=form.cleaned_data["days"],
            )
        except TokenError as exc:
            form.add_error(None, str(exc))
        else:
            # shown once, in this answer only; never stored
            return render(request, "api/tokens.html", _context(request, TokenForm(), raw))
    status = 400 if form.errors else 200
    return render(request, "api/tokens.html", _context(request, form), status=status)


@org_required(allow_when_read_only=True)
def revoke(request: OrgRequest, token_id: str) -> HttpResponse:
    membership = request.membership
    token = get_object_or_404(tokens_for(membership), public_id=token_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    revoke_token(token, actor=request.user)
    messages.success(request, f"“{token.name}” is revoked. Scripts using it now get an error.")
    return redirect("api_tokens:list")
