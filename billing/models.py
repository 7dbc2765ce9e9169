"""What we know of each organization's Stripe subscription, the Stripe events we have
applied (each once), and the billing e-mails we have sent (each once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel, optional_key, organization_key


class Subscription(TenantModel):
    """One per organization, made when its owner first opens a checkout. Stripe is the
    source of truth; this row mirrors what its webhooks (and a fresh fetch) told us."""

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    organization = organization_key("subscriptions")
    stripe_customer_id = models.CharField(max_length=64, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=64, blank=True, db_index=True)
    interval = models.CharField(max_length=8, choices=Interval.choices, blank=True)
    # Stripe's own words: active, past_due, unpaid, canceled, incomplete, trialing, paused…
    status = models.CharField(max_length=24, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    card_brand = models.CharField(max_length=24, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_payment_error = models.CharField(max_length=300, blank=True)
    # the `created` time of the newest Stripe event applied: older ones never overwrite it
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_subscription_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.get_interval_display() or 'No plan'} ({self.status or 'not started'})"

    @property
    def renews(self) -> bool:
        return self.status in {"active", "trialing"} and not self.cancel_at_period_end

    @property
    def next_invoice_at(self) -> datetime | None:
        return self.current_period_end if self.renews else None

    @property
    def card_expires_on(self) -> datetime | None:
        """The last moment the card works: the end of its expiry month."""
        if not (self.card_exp_month and self.card_exp_year):
            return None
        year, month = self.card_exp_year, self.card_exp_month
        first_of_next = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        return first_of_next - timedelta(seconds=1)


class StripeEvent(models.Model):
    """A Stripe webhook event we received. Its id is unique, so a replayed event is
    recognised and changes nothing. Not tenant-owned: an event names its organization
    only inside its payload."""

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    organization = optional_key("organizations.Organization", models.SET_NULL)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class BillingNotice(TenantModel):
    """A billing e-mail sent to the owners, once per kind and key (e.g. the period end)."""

    class Kind(models.TextChoices):
        TRIAL_ENDING = "trial_ending", "Free trial ends soon"
        TRIAL_ENDED = "trial_ended", "Free trial ended"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        CARD_EXPIRING = "card_expiring", "Card expires before the next payment"
        SUBSCRIPTION_ENDING = "subscription_ending", "Subscription ends soon"
        READ_ONLY = "read_only", "Now read-only"

    organization = organization_key("billing_notices")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "key"], name="one_billing_notice_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.key})"
