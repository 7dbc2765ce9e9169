"""What the billing page (and the shell) show about an organization's plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from billing import gateway
from billing.models import Subscription
from billing.services import GRACE, subscription_for
from organizations.models import Organization


@dataclass
class PlanStatus:
    state: str  # trial | expired | active | past_due | ending | ended
    subscription: Subscription | None
    stripe: bool  # payments through Stripe (else the operator activates by hand)
    read_only_at: datetime | None  # when a lapsing subscription turns read-only

    @property
    def can_checkout(self) -> bool:
        return self.stripe and self.state in {"trial", "expired", "ended"}

    @property
    def can_manage(self) -> bool:
        return bool(self.stripe and self.subscription and self.subscription.stripe_customer_id)


def plan_status(org: Organization) -> PlanStatus:
    sub = subscription_for(org)
    if org.on_trial:
        state = "expired" if org.trial_expired else "trial"
    elif org.is_read_only:
        state = "ended"
    elif sub is not None and sub.status in GRACE:
        state = "past_due"
    elif org.paid_until is not None:
        state = "ending"
    else:
        state = "active"
    return PlanStatus(state, sub, gateway.configured(), org.paid_until)


def prices() -> dict[str, int]:
    monthly, yearly = (
        settings.PRICE_PER_ORGANIZATION_MONTHLY,
        settings.PRICE_PER_ORGANIZATION_YEARLY,
    )
    return {"monthly": monthly, "yearly": yearly, "yearly_saving": max(monthly * 12 - yearly, 0)}
