"""Billing e-mails to an organization's owners, each sent once per kind and key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from billing.models import BillingNotice
from organizations.actors import SystemActor
from organizations.audit import record
from organizations.models import Membership, Organization, Role
from organizations.scoping import scope

# who the audit log names for the billing e-mails the product sends by itself
PRODUCT = SystemActor("Career Ladder Builder")


def owner_emails(org: Organization) -> list[str]:
    with scope(org):
        return sorted(
            {
                email
                for email in Membership.objects.filter(role=Role.OWNER, is_active=True).values_list(
                    "user__email", flat=True
                )
                if email
            }
        )


def notify_owners(
    org: Organization, kind: str, *, key: str, context: dict[str, Any] | None = None
) -> bool:
    """E-mail the owners about `kind` unless it was already sent for `key`. True if sent.
    Call inside the transaction that made the change; the e-mail leaves on commit."""
    with scope(org):
        try:
            with transaction.atomic():
                BillingNotice.objects.create(organization=org, kind=kind, key=key)
        except IntegrityError:
            return False
        recipients = owner_emails(org)
        record(
            org,
            PRODUCT,
            "billing.notice_sent",
            org,
            data={"kind": BillingNotice.Kind(kind).label, "to": ", ".join(recipients)},
        )
    words = {
        "org": org,
        "billing_url": settings.SITE_URL.rstrip("/") + reverse("billing:index"),
        "contact": settings.BILLING_CONTACT_EMAIL,
        **(context or {}),
    }
    subject = " ".join(render_to_string(f"billing/email/{kind}_subject.txt", words).split())
    body = render_to_string(f"billing/email/{kind}_message.txt", words)
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
        )
    return True
