"""The write path for company sign-in: settings, e-mail domains and SCIM tokens.
Each function runs in one transaction, checks the organization is writable and
records an audit entry. Secrets never reach the audit log."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from organizations.actors import Actor, user_of
from organizations.audit import changes_between, record, snapshot
from organizations.errors import FieldError, changed_meanwhile
from organizations.models import Organization
from organizations.scoping import unscoped
from sso.crypto import encrypt
from sso.domains import DomainError, clean_domain, has_proof
from sso.models import EmailDomain, ScimToken, SignInSettings, hash_secret


class SignInError(FieldError):
    """A change to company sign-in that cannot be made (the message is for the user)."""


class StaleSettingsError(SignInError):
    def __init__(self) -> None:
        super().__init__(changed_meanwhile("these settings"))


AUDITED = [
    "protocol",
    "enabled",
    "password_login",
    "join_on_sign_in",
    "oidc_issuer",
    "oidc_client_id",
    "saml_metadata_url",
    "saml_entity_id",
    "saml_sso_url",
]
SECRET_FIELDS = ("oidc_client_secret", "saml_certificate", "saml_metadata_xml")


def settings_for(org: Organization) -> SignInSettings:
    """The organization's row, made on first use."""
    found = SignInSettings.objects.filter(organization=org).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SignInSettings.objects.create(organization=org)
    except IntegrityError:  # made by a concurrent request
        return SignInSettings.objects.get(organization=org)


def verified_domains(org: Organization) -> list[str]:
    return list(
        EmailDomain.objects.filter(organization=org, verified_at__isnull=False).values_list(
            "domain", flat=True
        )
    )


def update_sign_in(
    org: Organization, *, actor: Actor, expected_revision: int, **fields: Any
) -> SignInSettings:
    """Save the settings form. An empty `oidc_client_secret` keeps the stored one."""
    org.ensure_writable()
    allowed = set(AUDITED) | set(SECRET_FIELDS)
    if unknown := set(fields) - allowed:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic():
        current = settings_for(org)
        secret = fields.pop("oidc_client_secret", "")
        if secret:
            fields["oidc_client_secret"] = encrypt(secret)
        merged = {**{f: getattr(current, f) for f in allowed}, **fields}
        probe = SignInSettings(organization=org, **merged)
        if merged["enabled"] and not probe.is_configured:
            raise SignInError(
                "Fill in the identity provider's details before turning company sign-in on.",
                "enabled",
            )
        if merged["enabled"] and not verified_domains(org):
            raise SignInError(
                "Verify at least one e-mail domain first: it decides who is sent to your "
                "identity provider.",
                "enabled",
            )
        if not merged["password_login"] and not merged["enabled"]:
            raise SignInError(
                "Turn company sign-in on before turning password login off, or nobody "
                "but the owners could sign in.",
                "password_login",
            )
        before = snapshot(current, AUDITED)
        fields["revision"] = expected_revision + 1
        fields["updated_at"] = timezone.now()
        updated = SignInSettings.objects.filter(pk=current.pk, revision=expected_revision).update(
            **fields
        )
        if not updated:
            raise StaleSettingsError()
        current.refresh_from_db()
        changes = changes_between(before, snapshot(current, AUDITED))
        for name in SECRET_FIELDS:  # say that it changed, never what to
            if name in fields:
                changes[name] = ["", "(changed)"]
        if changes:
            record(
                org,
                actor,
                "sign_in.settings_changed",
                current,
                changes=changes,
                target_label=org.name,
            )
    return current


# --- e-mail domains ------------------------------------------------------------------------


def add_domain(org: Organization, *, actor: Actor, domain: str) -> EmailDomain:
    org.ensure_writable()
    try:
        domain = clean_domain(domain)
    except DomainError as error:
        raise SignInError(str(error), "domain") from error
    with transaction.atomic():
        if EmailDomain.objects.filter(organization=org, domain=domain).exists():
            raise SignInError(f"{domain} is already on the list.", "domain")
        with unscoped():
            taken = EmailDomain.objects.filter(domain=domain, verified_at__isnull=False).exists()
        if taken:
            raise SignInError(
                f"{domain} is verified by another organization. If it is yours, contact us.",
                "domain",
            )
        item = EmailDomain.objects.create(
            organization=org, domain=domain, verification_code=EmailDomain.new_code()
        )
        record(org, actor, "sign_in.domain_added", item, data={"domain": domain})
    return item


def mark_verified(item: EmailDomain, *, actor: Actor, how: str) -> EmailDomain:
    org = item.organization
    org.ensure_writable()
    try:
        with transaction.atomic():
            item.verified_at = timezone.now()
            item.verified_how = how
            item.save(update_fields=["verified_at", "verified_how"])
            record(
                org,
                actor,
                "sign_in.domain_verified",
                item,
                data={"domain": item.domain, "how": how},
            )
    except IntegrityError as error:
        raise SignInError(
            f"{item.domain} was verified by another organization in the meantime."
        ) from error
    return item


def verify_domain(item: EmailDomain, *, actor: Actor) -> EmailDomain:
    """Look for the TXT record; verified when it is there."""
    if item.is_verified:
        return item
    if not has_proof(item.txt_name, item.txt_value):
        raise SignInError(
            f"We could not find the TXT record for {item.domain} yet. DNS changes can take "
            "an hour to show; check the name and value, then try again."
        )
    return mark_verified(item, actor=actor, how="DNS TXT record")


def remove_domain(item: EmailDomain, *, actor: Actor) -> None:
    org = item.organization
    org.ensure_writable()
    with transaction.atomic():
        current = settings_for(org)
        remaining = [d for d in verified_domains(org) if d != item.domain]
        if current.is_active and not remaining:
            raise SignInError(
                "Company sign-in needs at least one verified domain. Turn company sign-in "
                "off first, or add and verify another domain."
            )
        record(org, actor, "sign_in.domain_removed", item, data={"domain": item.domain})
        item.delete()


# --- SCIM tokens ---------------------------------------------------------------------------


def create_scim_token(org: Organization, *, actor: Actor) -> tuple[ScimToken, str]:
    """A new token; any active one stops working at once (rotation). Returns the row and
    the token, which is shown once and never stored."""
    org.ensure_writable()
    token = ScimToken.new_token()
    with transaction.atomic():
        now = timezone.now()
        replaced = ScimToken.objects.filter(organization=org, revoked_at__isnull=True).update(
            revoked_at=now
        )
        row = ScimToken.objects.create(
            organization=org,
            token_hash=hash_secret(token),
            hint=token[:12],
            created_by=user_of(actor),
            created_at=now,
        )
        record(
            org,
            actor,
            "scim.token_created",
            row,
            target_label=org.name,
            data={"replaced": replaced},
        )
    return row, token


def revoke_scim_tokens(org: Organization, *, actor: Actor) -> int:
    org.ensure_writable()
    with transaction.atomic():
        count = ScimToken.objects.filter(organization=org, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            record(
                org,
                actor,
                "scim.token_revoked",
                None,
                target_label=org.name,
                data={"tokens": count},
            )
    return count
