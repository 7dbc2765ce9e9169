from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth import password_validation

from organizations.models import Role
from organizations.services import create_organization

PASSWORD_HELP = "At least 10 characters. Avoid common words and passwords you use elsewhere."  # noqa: S105 (a hint, not a password)


class OrganizationSignupForm(SignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS["signup"]), extended: who you are and your
    organization's name. The new organization starts a free trial with the signer as owner."""

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        # allauth's defaults: placeholders instead of labels, a bulleted list as hint.
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        if "email" in self.fields:
            self.fields["email"].label = "Work e-mail"
            self.fields["email"].help_text = "We send a link to confirm it."
        if "password1" in self.fields:
            self.fields["password1"].help_text = PASSWORD_HELP

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
    name = forms.CharField(
        label="Organization name",
        max_length=120,
        help_text="Usually your company's name. You can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


def role_choices(*, can_invite_owner: bool) -> list[tuple[str, str]]:
    choices = [
        (Role.MEMBER.value, "Member — sees their own ladder (and their team's, if they manage)"),
        (Role.HR_ADMIN.value, "HR admin — manages people, frameworks and invitations"),
    ]
    if can_invite_owner:
        choices.append((Role.OWNER.value, "Owner — everything, including settings and roles"))
    return choices


class InvitePersonForm(forms.Form):
    role = forms.ChoiceField(label="Role", initial=Role.MEMBER, widget=forms.RadioSelect)

    def __init__(self, *args: Any, can_invite_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = role_choices(can_invite_owner=can_invite_owner)


class InviteByEmailForm(forms.Form):
    name = forms.CharField(
        label="Their name",
        max_length=150,
        required=False,
        help_text="Not needed if they are already in the people directory.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Their work e-mail", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label="Role", initial=Role.MEMBER)

    def __init__(self, *args: Any, can_invite_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [
            (value, label.split(" — ")[0])
            for value, label in role_choices(can_invite_owner=can_invite_owner)
        ]


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label="Choose a password",
        help_text=PASSWORD_HELP,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            from django.contrib.auth import get_user_model

            User = get_user_model()
            first, _, last = (data.get("name") or "").partition(" ")
            probe = User(username=self.email, email=self.email, first_name=first, last_name=last)
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
