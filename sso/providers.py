"""Each organization's identity provider, as the allauth `SocialApp` it needs.

allauth looks providers up through `SocialAccountAdapter.list_apps` (sso/adapter.py);
we answer from `SignInSettings` rows instead of allauth's global `SocialApp` table, so
the configuration stays tenant-owned, audited and edited in the product, and the client
secret stays encrypted at rest (it is decrypted only into the unsaved app object).
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.conf import settings

from organizations.scoping import unscoped
from sso.crypto import decrypt
from sso.models import EmailDomain, SignInSettings

# Where Okta, Microsoft Entra ID, Google and ADFS put the usual attributes.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
        "Email",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "firstName",
        "givenName",
        "first_name",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "lastName",
        "surname",
        "sn",
        "last_name",
    ],
}


def _domains(row: SignInSettings) -> list[str]:
    with unscoped():
        return list(
            EmailDomain.objects.filter(
                organization_id=row.organization_id, verified_at__isnull=False
            ).values_list("domain", flat=True)
        )


def social_app(row: SignInSettings) -> SocialApp:
    domains = _domains(row)
    if row.protocol == SignInSettings.Protocol.OIDC:
        return SocialApp(
            provider="openid_connect",
            provider_id=row.provider_id,
            name=row.organization.name,
            client_id=row.oidc_client_id,
            secret=decrypt(row.oidc_client_secret),
            settings={
                "server_url": row.oidc_issuer,
                "verified_email": domains,
                "email_authentication": False,
            },
        )
    if row.saml_metadata_url:
        idp = {"metadata_url": row.saml_metadata_url, "entity_id": row.saml_entity_id}
    else:
        idp = {
            "entity_id": row.saml_entity_id,
            "sso_url": row.saml_sso_url,
            "x509cert": row.saml_certificate,
        }
    return SocialApp(
        provider="saml",
        provider_id=row.provider_id,
        name=row.organization.name,
        client_id=row.public_id,
        settings={
            "idp": idp,
            "attribute_mapping": SAML_ATTRIBUTES,
            "use_nameid_for_email": True,
            "verified_email": domains,
            "email_authentication": False,
            "advanced": {
                "reject_idp_initiated_sso": True,
                "strict": True,
                # development and tests serve from "localhost" / "testserver"
                "allow_single_label_domains": getattr(settings, "SSO_ALLOW_LOCAL_URLS", False),
            },
        },
    )


def find(provider: str | None, client_id: str | None) -> list[SocialApp]:
    """The organization apps matching allauth's lookup. A lookup without a provider or a
    client id (allauth's provider lists) finds none, so no page lists other
    organizations' identity providers."""
    if not provider and not client_id:
        return []
    filters: dict[str, str] = {}
    if provider and "-" in provider:  # our provider ids: "oidc-<key>", "saml-<key>"
        protocol, _, key = provider.partition("-")
        filters = {"protocol": protocol, "public_id": key}
    elif provider == "saml":  # allauth's SAML views look apps up by client id
        filters = {"protocol": SignInSettings.Protocol.SAML}
    elif provider == "openid_connect":
        filters = {"protocol": SignInSettings.Protocol.OIDC}
    elif provider:
        return []
    if client_id:
        key = "public_id" if filters.get("protocol") == "saml" else "oidc_client_id"
        filters[key] = client_id
    with unscoped():
        rows = SignInSettings.objects.select_related("organization").filter(
            enabled=True, **filters
        )[:2]
        return [social_app(row) for row in rows if row.is_configured]


def settings_for_provider(provider_id: str) -> SignInSettings | None:
    protocol, _, key = (provider_id or "").partition("-")
    row = settings_for_key(key) if key else None
    return row if row is not None and row.protocol == protocol else None


def settings_for_key(key: str) -> SignInSettings | None:
    with unscoped():
        return SignInSettings.objects.select_related("organization").filter(public_id=key).first()


def settings_for_email(email: str) -> SignInSettings | None:
    """The active company sign-in of the organization that verified this address's
    domain, if any."""
    from sso.domains import email_domain

    domain = email_domain(email)
    if not domain:
        return None
    with unscoped():
        owner = EmailDomain.objects.filter(domain=domain, verified_at__isnull=False).first()
        if owner is None:
            return None
        row = (
            SignInSettings.objects.select_related("organization")
            .filter(organization_id=owner.organization_id)
            .first()
        )
    return row if row is not None and row.is_active else None
