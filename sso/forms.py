from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from organizations.models import Membership
from organizations.scoping import unscoped
from sso.models import SignInSettings
from sso.providers import settings_for_email


def check_provider_url(url: str) -> str:
    """An identity provider's URL, which the server itself will fetch: https on a public
    name unless SSO_ALLOW_LOCAL_URLS (development, tests)."""
    if not url:
        return url
    parts = urlsplit(url)
    if getattr(settings, "SSO_ALLOW_LOCAL_URLS", False):
        return url
    if parts.scheme != "https":
        raise ValidationError("Use the https:// address your identity provider gives you.")
    host = (parts.hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if (
        host in {"localhost", ""}
        or host.endswith((".local", ".internal", ".localhost"))
        or (address is not None and not address.is_global)
    ):
        raise ValidationError("Use your identity provider's public address.")
    return url


class CompanyAwareLoginForm(LoginForm):
    """allauth's login form (ACCOUNT_FORMS["login"]). When the address belongs to an
    organization that turned password login off, only its owners may log in with a
    password (the break-glass path); everyone else is sent to company sign-in."""

    company: Any = None

    def clean(self) -> dict[str, Any]:
        email = str(self.data.get("login", "")).strip().lower()
        row = settings_for_email(email) if "@" in email else None
        if row is None or row.password_login:
            return super().clean()
        self.company = row.organization
        try:
            cleaned = super().clean()
        except ValidationError:
            cleaned = None
        user = getattr(self, "user", None)
        if cleaned is not None and user is not None:
            with unscoped():
                is_owner = Membership.objects.filter(
                    organization=row.organization, user=user, role="owner", is_active=True
                ).exists()
            if is_owner:
                return cleaned
        self.user = None
        raise ValidationError(
            f"{row.organization.name} signs in with its company account, not a password. "
            "Use “Sign in with your company account” below."
        )


class CompanyEmailForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail address",
        help_text="We send you to your company's sign-in page.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class DomainForm(forms.Form):
    domain = forms.CharField(
        label="E-mail domain",
        max_length=253,
        help_text="The part after the @ in your people's work addresses, e.g. acme.com.",
    )


PROTOCOL_CHOICES = [
    (SignInSettings.Protocol.OIDC, "OpenID Connect (Okta, Microsoft Entra ID, Google, Auth0…)"),
    (SignInSettings.Protocol.SAML, "SAML 2.0 (ADFS, Okta, Entra ID, OneLogin, JumpCloud…)"),
]


class SignInSettingsForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    protocol = forms.ChoiceField(
        label="How does your identity provider connect?",
        choices=PROTOCOL_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text="Ask your IT team if you are not sure. OpenID Connect is simpler to set up.",
    )
    oidc_issuer = forms.URLField(
        label="Issuer URL",
        required=False,
        max_length=500,
        help_text="Also called the discovery or authority URL, e.g. https://acme.okta.com",
        assume_scheme="https",
    )
    oidc_client_id = forms.CharField(label="Client ID", required=False, max_length=255)
    oidc_client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    saml_metadata_url = forms.URLField(
        label="Metadata URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Your identity provider's federation metadata address. We read the rest from it.",
    )
    saml_metadata_xml = forms.CharField(
        label="Or paste the metadata XML",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Instead of a URL: we read the entity ID, sign-in URL and certificate from it.",
    )
    saml_entity_id = forms.CharField(
        label="Identity provider entity ID", required=False, max_length=500
    )
    saml_sso_url = forms.URLField(
        label="Sign-in URL (SSO URL)", required=False, max_length=500, assume_scheme="https"
    )
    saml_certificate = forms.CharField(
        label="Signing certificate",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The X.509 certificate, starting with -----BEGIN CERTIFICATE-----.",
    )
    enabled = forms.BooleanField(
        label="Turn on sign-in with the company account",
        required=False,
        help_text="People with an address at a verified domain can use it from the login page.",
    )
    join_on_sign_in = forms.BooleanField(
        label="Let anyone at a verified domain join as a member when they first sign in",
        required=False,
        help_text="Off: only people you invited, or that your company directory "
        "provisioned, can sign in.",
    )
    password_login_off = forms.BooleanField(
        label="Turn password login off",
        required=False,
        help_text="People must sign in with the company account. Owners can still use their "
        "password, so a broken identity provider cannot lock you out; each time they do, it "
        "is written in the audit log.",
    )

    def __init__(self, *args: Any, has_secret: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_secret:
            self.fields[
                "oidc_client_secret"
            ].help_text = "A secret is saved. It is never shown; leave this empty to keep it."

    def clean_oidc_issuer(self) -> str:
        return check_provider_url(self.cleaned_data["oidc_issuer"].rstrip("/"))

    def clean_saml_metadata_url(self) -> str:
        return check_provider_url(self.cleaned_data["saml_metadata_url"])

    def clean_saml_certificate(self) -> str:
        text = self.cleaned_data["saml_certificate"].strip()
        body = "".join(
            line for line in text.splitlines() if line.strip() and "CERTIFICATE" not in line
        )
        return "".join(body.split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        xml = (data.get("saml_metadata_xml") or "").strip()
        if xml:
            from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

            try:
                idp = OneLogin_Saml2_IdPMetadataParser.parse(xml).get("idp", {})
            except Exception:
                idp = {}
            if not idp.get("entityId"):
                self.add_error(
                    "saml_metadata_xml",
                    "This is not identity provider metadata we can read. Copy the whole "
                    "XML file, or fill in the fields below instead.",
                )
            else:
                data["saml_entity_id"] = idp["entityId"]
                data["saml_sso_url"] = idp.get("singleSignOnService", {}).get("url", "")
                data["saml_certificate"] = idp.get("x509cert", "") or data["saml_certificate"]
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision")
        data["password_login"] = not data.pop("password_login_off")
        return data
