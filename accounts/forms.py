from __future__ import annotations

from typing import Any

from django import forms

from organizations.services import create_organization


class OrganizationSignupForm(forms.Form):
    """allauth's sign-up form, extended: who you are and your organization's name.
    The new organization starts a free trial with the signer as owner."""

    name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organization_name = forms.CharField(
        label="Organization name",
        max_length=120,
        help_text="Usually your company's name. You can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    field_order = ["name", "email", "password1", "organization_name"]

    def signup(self, request: Any, user: Any) -> None:
        first, _, last = self.cleaned_data["name"].strip().partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
        user.save(update_fields=["first_name", "last_name"])
        org = create_organization(
            name=self.cleaned_data["organization_name"],
            owner=user,
            owner_name=self.cleaned_data["name"],
        )
        request.session["active_org"] = org.public_id


class CreateOrganizationForm(forms.Form):
    name = forms.CharField(label="Organization name", max_length=120)
