"""The write path for billing: checkout, the customer portal, Stripe's webhook events and
the daily run. Organizations change state only through `organizations.services`
(activate, set_paid_until, suspend); every change is audited; e-mails leave on commit.

`run_daily()` is the periodic part (a scheduler calls it once a day or more often; so
does `manage.py billing_daily`). Stripe's webhook events drive the same changes as they
happen: a scheduler is a safety net, not a requirement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import gateway
from billing.gateway import BillingError
from billing.models import BillingNotice, StripeEvent, Subscription
from billing.notices import notify_owners
from organizations.actors import Actor, SystemActor
from organizations.audit import changes_between, record, snapshot
from organizations.models import Organization
from organizations.scoping import scope, unscoped
from organizations.services import activate_organization, set_paid_until, suspend_organization

__all__ = [
    "BillingError",
    "handle_event",
    "open_portal",
    "run_daily",
    "start_checkout",
    "subscription_for",
]

STRIPE = SystemActor("Stripe")  # the actor of changes Stripe's events make, in the audit log
KIND = BillingNotice.Kind
RENEWING = {"active", "trialing"}
GRACE = {"past_due", "incomplete"}  # a payment failed; Stripe is still trying
ENDED = {"canceled", "unpaid", "incomplete_expired", "paused"}
SYNCED_FIELDS = ["status", "interval", "current_period_end", "cancel_at_period_end"]


def _when(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def subscription_for(org: Organization) -> Subscription | None:
    with scope(org):
        return Subscription.objects.filter(organization=org).first()


def price_for(interval: str) -> int:
    if interval == Subscription.Interval.YEAR:
        return settings.PRICE_PER_ORGANIZATION_YEARLY
    return settings.PRICE_PER_ORGANIZATION_MONTHLY


# --- what owners do ----------------------------------------------------------------------


def start_checkout(
    org: Organization, *, actor: Actor, interval: str, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout page for the plan; returns its address. Allowed while read-only:
    paying is how an expired organization gets its changes back."""
    if not gateway.configured():
        raise BillingError("Payments are not set up on this installation.")
    if interval not in Subscription.Interval.values:
        raise BillingError("Choose monthly or yearly.")
    current = subscription_for(org)
    if current is not None and current.renews and not org.is_read_only:
        raise BillingError(
            "You already have a subscription. Change it under “Manage card and invoices”."
        )
    session = gateway.create_checkout_session(
        organization_id=org.public_id,
        interval=interval,
        email=getattr(actor, "email", ""),
        customer=current.stripe_customer_id if current else "",
        success_url=success_url,
        cancel_url=cancel_url,
    )
    with transaction.atomic(), scope(org):
        Subscription.objects.get_or_create(organization=org)
        record(
            org,
            actor,
            "billing.checkout_started",
            org,
            data={"interval": Subscription.Interval(interval).label, "price": price_for(interval)},
        )
    return str(session["url"])


def open_portal(org: Organization, *, actor: Actor, return_url: str) -> str:
    """Stripe's customer portal (invoices, card, cancel); returns its address."""
    current = subscription_for(org)
    if not gateway.configured() or current is None or not current.stripe_customer_id:
        raise BillingError("There is no subscription to manage yet. Choose a plan first.")
    session = gateway.create_portal_session(
        customer=current.stripe_customer_id, return_url=return_url
    )
    with transaction.atomic(), scope(org):
        record(org, actor, "billing.portal_opened", org)
    return str(session["url"])


# --- Stripe's webhook events ---------------------------------------------------------------


def _subscription_id(obj: dict[str, Any]) -> str:
    if obj.get("object") == "subscription":
        return str(obj.get("id") or "")
    found = obj.get("subscription")
    if isinstance(found, dict):
        return str(found.get("id") or "")
    if found:
        return str(found)
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return str(details.get("subscription") or "")


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return {**(details.get("metadata") or {}), **(obj.get("metadata") or {})}


def find_organization(obj: dict[str, Any]) -> Organization | None:
    """The organization an event is about: our id in the metadata (set at checkout), or
    the Stripe subscription or customer we recorded."""
    with unscoped():
        public_id = _metadata(obj).get("organization") or obj.get("client_reference_id")
        if public_id:
            org = Organization.objects.filter(public_id=public_id).first()
            if org is not None:
                return org
        sub_id = _subscription_id(obj)
        customer = obj.get("customer") if isinstance(obj.get("customer"), str) else ""
        for field, value in (("stripe_subscription_id", sub_id), ("stripe_customer_id", customer)):
            if value:
                found = (
                    Subscription.objects.filter(**{field: value})
                    .select_related("organization")
                    .first()
                )
                if found is not None:
                    return found.organization
    return None


def _row(org: Organization) -> Subscription:
    with scope(org):
        return Subscription.objects.get_or_create(organization=org)[0]


def apply_subscription(
    org: Organization, data: dict[str, Any], *, at: datetime | None, fresh: bool = False
) -> str:
    """Mirror a Stripe subscription object and settle the organization's state. `at` is
    the time of the event that brought it: a payload older than news already applied is
    ignored, unless it was `fresh`ly fetched from Stripe (then it is the latest)."""
    sub = _row(org)
    if not fresh and at is not None and sub.synced_at is not None and at < sub.synced_at:
        return "older than what we know; ignored"
    before = snapshot(sub, SYNCED_FIELDS)
    items = ((data.get("items") or {}).get("data")) or [{}]
    item = items[0]
    recurring = (item.get("price") or {}).get("recurring") or {}
    sub.stripe_subscription_id = str(data.get("id") or sub.stripe_subscription_id)
    if isinstance(data.get("customer"), str):
        sub.stripe_customer_id = data["customer"]
    sub.status = str(data.get("status") or "")
    if recurring.get("interval") in Subscription.Interval.values:
        sub.interval = recurring["interval"]
    sub.current_period_end = _when(item.get("current_period_end") or data.get("current_period_end"))
    sub.cancel_at_period_end = bool(data.get("cancel_at_period_end") or data.get("cancel_at"))
    sub.ended_at = _when(data.get("ended_at"))
    card = (
        (data.get("default_payment_method") or {})
        if isinstance(data.get("default_payment_method"), dict)
        else {}
    )
    if card.get("card"):
        sub.card_brand = str(card["card"].get("brand") or "")[:24]
        sub.card_last4 = str(card["card"].get("last4") or "")[:4]
        sub.card_exp_month = card["card"].get("exp_month")
        sub.card_exp_year = card["card"].get("exp_year")
    if at is not None:
        sub.synced_at = max(at, sub.synced_at) if sub.synced_at else at
    with scope(org):
        sub.save()
        changes = changes_between(before, snapshot(sub, SYNCED_FIELDS))
        if changes:
            record(org, STRIPE, "billing.subscription_changed", org, changes=changes)
    ends_at = _when(data.get("cancel_at")) or sub.current_period_end
    return settle(org, sub, ends_at=ends_at)


def settle(org: Organization, sub: Subscription, *, ends_at: datetime | None) -> str:
    """The organization's state that follows from the subscription's."""
    org.refresh_from_db()
    if sub.status in RENEWING and not sub.cancel_at_period_end:
        if org.plan != Organization.Plan.ACTIVE or org.paid_until is not None:
            activate_organization(
                org, actor=STRIPE, data={"interval": sub.get_interval_display() or "—"}
            )
            return "activated"
        return "active"
    if sub.status in RENEWING:  # cancelled: it runs until the end of the paid period
        if org.plan != Organization.Plan.ACTIVE:
            activate_organization(org, actor=STRIPE)
        set_paid_until(org, ends_at, actor=STRIPE, reason="The subscription was cancelled.")
        if ends_at is not None:
            notify_owners(
                org,
                KIND.SUBSCRIPTION_ENDING,
                key=ends_at.date().isoformat(),
                context={"ends_at": ends_at, "cancelled": True},
            )
        return "ends at the end of the paid period"
    if sub.status in GRACE:
        if org.plan == Organization.Plan.ACTIVE:
            set_paid_until(org, ends_at, actor=STRIPE, reason="A payment failed.")
            return "read-only at the end of the paid period unless paid"
        return "waiting for the first payment"
    if sub.status in ENDED and org.plan == Organization.Plan.ACTIVE:
        suspend_organization(org, actor=STRIPE, reason=f"The subscription is {sub.status}.")
        notify_owners(
            org,
            KIND.READ_ONLY,
            key=f"{sub.stripe_subscription_id}:{sub.status}",
            context={"since": timezone.now()},
        )
        return "read-only"
    return "nothing to change"


def _fresh(org: Organization, obj: dict[str, Any], at: datetime | None) -> str:
    sub_id = _subscription_id(obj)
    if not sub_id:
        return "no subscription named; ignored"
    return apply_subscription(org, gateway.retrieve_subscription(sub_id), at=at, fresh=True)


def _checkout_completed(org: Organization, obj: dict[str, Any], at: datetime | None) -> str:
    sub = _row(org)
    if isinstance(obj.get("customer"), str):
        sub.stripe_customer_id = obj["customer"]
        with scope(org):
            sub.save(update_fields=["stripe_customer_id"])
    return _fresh(org, obj, at)


def _subscription_event(org: Organization, obj: dict[str, Any], at: datetime | None) -> str:
    return apply_subscription(org, obj, at=at)


def _invoice_paid(org: Organization, obj: dict[str, Any], at: datetime | None) -> str:
    outcome = _fresh(org, obj, at)
    with scope(org):
        Subscription.objects.filter(organization=org).update(last_payment_error="")
        record(
            org,
            STRIPE,
            "billing.payment_succeeded",
            org,
            data={"amount": _amount(obj), "invoice": obj.get("number") or obj.get("id")},
        )
    return outcome


def _invoice_failed(org: Organization, obj: dict[str, Any], at: datetime | None) -> str:
    outcome = _fresh(org, obj, at)
    org.refresh_from_db()
    next_try = _when(obj.get("next_payment_attempt"))
    with scope(org):
        Subscription.objects.filter(organization=org).update(
            last_payment_error="The last payment failed."
        )
        record(
            org,
            STRIPE,
            "billing.payment_failed",
            org,
            data={"amount": _amount(obj), "invoice": obj.get("number") or obj.get("id")},
        )
    notify_owners(
        org,
        KIND.PAYMENT_FAILED,
        key=str(obj.get("id") or ""),
        context={"amount": _amount(obj), "next_try": next_try, "read_only_at": org.paid_until},
    )
    return outcome


def _invoice_upcoming(org: Organization, obj: dict[str, Any], at: datetime | None) -> str:
    sub = _row(org)
    due = _when(obj.get("next_payment_attempt") or obj.get("period_end"))
    return "card expires before the payment" if _warn_card(org, sub, due) else "nothing to do"


def _amount(obj: dict[str, Any]) -> str:
    cents = obj.get("amount_due") if obj.get("amount_paid") is None else obj.get("amount_paid")
    currency = str(obj.get("currency") or settings.BILLING_CURRENCY).upper()
    return f"{(cents or 0) / 100:,.2f} {currency}"


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_event,
    "customer.subscription.updated": _subscription_event,
    "customer.subscription.deleted": _subscription_event,
    "customer.subscription.paused": _subscription_event,
    "customer.subscription.resumed": _subscription_event,
    "invoice.paid": _invoice_paid,
    "invoice.payment_succeeded": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "invoice.upcoming": _invoice_upcoming,
}


def handle_event(event: dict[str, Any]) -> str:
    """Apply one verified Stripe event, once: a replayed event id changes nothing."""
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    if not event_id:
        return "no event id; ignored"
    obj = (event.get("data") or {}).get("object") or {}
    with transaction.atomic():
        stored, new = StripeEvent.objects.get_or_create(
            event_id=event_id, defaults={"type": kind, "created": _when(event.get("created"))}
        )
        if not new:
            return "already applied"
        handler = HANDLERS.get(kind)
        org = find_organization(obj) if handler else None
        if handler is None:
            outcome = "not an event we use"
        elif org is None:
            outcome = "no organization of ours; ignored"
        else:
            outcome = handler(org, obj, _when(event.get("created")))
        stored.organization = org
        stored.outcome = outcome[:200]
        stored.save(update_fields=["organization", "outcome"])
    return outcome


# --- the daily run -------------------------------------------------------------------------


def _warn_card(org: Organization, sub: Subscription, due: datetime | None) -> bool:
    expires = sub.card_expires_on
    if not (sub.renews and expires and due and expires < due):
        return False
    return notify_owners(
        org,
        KIND.CARD_EXPIRING,
        key=f"{sub.card_exp_year}-{sub.card_exp_month:02d}",
        context={"sub": sub, "due": due},
    )


def daily_for(org: Organization, now: datetime) -> list[str]:
    """What the day brings one organization: reminders, and read-only when its trial or
    paid period has ended. Each e-mail goes once."""
    done: list[str] = []
    soon = timedelta(days=settings.BILLING_REMINDER_DAYS)
    if org.on_trial and org.trial_ends_at is not None:
        if org.trial_ends_at <= now:
            if notify_owners(org, KIND.TRIAL_ENDED, key=org.trial_ends_at.date().isoformat()):
                done.append("trial ended")
        elif org.trial_ends_at - now <= timedelta(days=3) and notify_owners(
            org,
            KIND.TRIAL_ENDING,
            key=org.trial_ends_at.date().isoformat(),
            context={"ends_at": org.trial_ends_at},
        ):
            done.append("trial ends soon")
    if org.plan == Organization.Plan.ACTIVE and org.paid_until is not None:
        if org.paid_until <= now:
            suspend_organization(
                org,
                actor=STRIPE if gateway.configured() else None,
                reason="The paid period ended without renewal.",
            )
            notify_owners(
                org,
                KIND.READ_ONLY,
                key=org.paid_until.isoformat(),
                context={"since": org.paid_until},
            )
            done.append("read-only")
        elif org.paid_until - now <= soon and notify_owners(
            org,
            KIND.SUBSCRIPTION_ENDING,
            key=f"{org.paid_until.date().isoformat()}:reminder",
            context={"ends_at": org.paid_until},
        ):
            done.append("subscription ends soon")
    sub = subscription_for(org)
    due = sub.next_invoice_at if sub is not None else None
    if sub is not None and due and due - now <= timedelta(30) and _warn_card(org, sub, due):
        done.append("card expires")
    return done


def run_daily(now: datetime | None = None) -> dict[str, list[str]]:
    """The periodic part of billing, for a scheduler: call it once a day (more often is
    harmless: every e-mail is sent once and every change is made once). Returns what it
    did per organization slug."""
    now = now or timezone.now()
    with unscoped():
        orgs = list(Organization.objects.exclude(plan=Organization.Plan.SUSPENDED).order_by("pk"))
    report: dict[str, list[str]] = {}
    for org in orgs:
        with transaction.atomic():
            done = daily_for(org, now)
        if done:
            report[org.slug] = done
    return report
