"""Company sign-in: single sign-on (OIDC / SAML) and SCIM provisioning per organization.

Every model here is tenant-owned. The one deliberate exception to "unique constraints
start with organization" is `EmailDomain`: a verified domain belongs to one organization
across the whole installation, because it decides which organization's identity
provider an address is sent to.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, organization_key, user_link


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SignInSettings(TenantModel):
    """How an organization's people sign in: one row per organization, created the first
    time an owner opens the page. The client secret is stored encrypted (sso/crypto.py)
    and never shown again."""

    class Protocol(models.TextChoices):
        NONE = "", "Not set up"
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organization = organization_key("sign_in_settings")
    protocol = models.CharField(max_length=8, choices=Protocol.choices, blank=True)
    enabled = models.BooleanField(
        default=False, help_text="People at verified domains can sign in with the company account."
    )
    password_login = models.BooleanField(
        default=True, help_text="Off: only owners may still sign in with a password."
    )
    join_on_sign_in = models.BooleanField(
        default=False,
        help_text="Anyone at a verified domain who signs in joins as a member.",
    )
    # OpenID Connect
    oidc_issuer = models.URLField(max_length=500, blank=True)
    oidc_client_id = models.CharField(max_length=255, blank=True)
    oidc_client_secret = models.TextField(blank=True, help_text="Encrypted.")
    # SAML 2.0
    saml_metadata_url = models.URLField(max_length=500, blank=True)
    saml_metadata_xml = models.TextField(blank=True)
    saml_entity_id = models.CharField(max_length=500, blank=True)
    saml_sso_url = models.URLField(max_length=500, blank=True)
    saml_certificate = models.TextField(blank=True)

    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "sign-in settings"
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="uniq_sign_in_settings")
        ]

    def __str__(self) -> str:
        return f"Company sign-in for {self.organization}"

    @property
    def provider_id(self) -> str:
        """The id allauth knows this organization's identity provider by."""
        return f"{self.protocol or 'sso'}-{self.public_id}"

    @property
    def has_secret(self) -> bool:
        return bool(self.oidc_client_secret)

    @property
    def is_configured(self) -> bool:
        if self.protocol == self.Protocol.OIDC:
            return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)
        if self.protocol == self.Protocol.SAML:
            return bool(
                (self.saml_metadata_url and self.saml_entity_id)
                or (self.saml_entity_id and self.saml_sso_url and self.saml_certificate)
            )
        return False

    @property
    def is_active(self) -> bool:
        return self.enabled and self.is_configured

    @property
    def enforced(self) -> bool:
        """Password login is refused (owners excepted)."""
        return self.is_active and not self.password_login


class EmailDomain(TenantModel):
    """An e-mail domain the organization says is its own. It counts once it is verified
    (a DNS TXT record, see sso/domains.py, or an operator's command)."""

    organization = organization_key("email_domains")
    domain = models.CharField(max_length=253)
    verification_code = models.CharField(max_length=64)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_how = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "domain"], name="uniq_org_domain"),
            models.UniqueConstraint(
                fields=["domain"],
                condition=models.Q(verified_at__isnull=False),
                name="uniq_verified_domain",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @staticmethod
    def new_code() -> str:
        return secrets.token_urlsafe(24)

    @property
    def txt_name(self) -> str:
        return f"_career-ladder.{self.domain}"

    @property
    def txt_value(self) -> str:
        return f"career-ladder-verification={self.verification_code}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


TOKEN_PREFIX = "clbscim_"  # noqa: S105 (a prefix, not a secret)


class ScimToken(TenantModel):
    """The bearer token an identity provider uses for SCIM. Only its hash is stored; the
    token is shown once, when it is made. At most one is active per organization."""

    organization = organization_key("scim_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=24, help_text="The first characters, to recognise it.")
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "revoked_at"])]

    def __str__(self) -> str:
        return f"SCIM token {self.hint}…"

    @staticmethod
    def new_token() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ScimLink(TenantModel):
    """What the identity provider knows a person by: its `externalId` and `userName`,
    and a manager reference that could not be resolved yet (the manager arrives later).
    The SCIM `id` of a person is their `public_id`."""

    organization = organization_key()
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="scim_link"
    )
    external_id = models.CharField(max_length=255, blank=True)
    user_name = models.CharField(max_length=255)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    pending_manager = models.CharField(max_length=255, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="uniq_scim_person")
        ]
        indexes = [
            models.Index(fields=["organization", "user_name"]),
            models.Index(fields=["organization", "external_id"]),
        ]

    def __str__(self) -> str:
        return f"SCIM link {self.user_name}"
