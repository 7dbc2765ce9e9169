"""The only module that talks to Stripe (the real `stripe` library). Everything it
returns is plain dicts; every failure is a `BillingError` with words for the owner."""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings

log = logging.getLogger(__name__)


class BillingError(Exception):
    """Stripe could not do it; the message is for the owner."""


def configured() -> bool:
    """Stripe keys and both prices are set (a hosted install). Otherwise the operator
    activates organizations by hand."""
    return bool(
        settings.STRIPE_SECRET_KEY
        and settings.STRIPE_WEBHOOK_SECRET
        and settings.STRIPE_PRICE_MONTHLY
        and settings.STRIPE_PRICE_YEARLY
    )


def _options() -> dict[str, Any]:
    if settings.STRIPE_API_BASE:
        stripe.api_base = settings.STRIPE_API_BASE
    stripe.enable_telemetry = False
    stripe.max_network_retries = 1
    return {"api_key": settings.STRIPE_SECRET_KEY}


def _call(what: str, fn: Any, **params: Any) -> dict[str, Any]:
    try:
        result = fn(**_options(), **params)
    except stripe.StripeError as error:
        log.warning("Stripe refused %s: %s", what, error)
        raise BillingError(
            "We could not reach our payment provider just now. Nothing was charged; "
            "try again in a minute."
        ) from error
    return result.to_dict()


def price_id(interval: str) -> str:
    return settings.STRIPE_PRICE_YEARLY if interval == "year" else settings.STRIPE_PRICE_MONTHLY


def create_checkout_session(
    *,
    organization_id: str,
    interval: str,
    email: str,
    customer: str,
    success_url: str,
    cancel_url: str,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [{"price": price_id(interval), "quantity": 1}],
        "client_reference_id": organization_id,
        "metadata": {"organization": organization_id},
        "subscription_data": {"metadata": {"organization": organization_id}},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "allow_promotion_codes": True,
    }
    if customer:
        params["customer"] = customer
    else:
        params["customer_email"] = email
    return _call("a checkout session", stripe.checkout.Session.create, **params)


def create_portal_session(*, customer: str, return_url: str) -> dict[str, Any]:
    return _call(
        "a billing portal session",
        stripe.billing_portal.Session.create,
        customer=customer,
        return_url=return_url,
    )


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    return _call(
        "a subscription",
        stripe.Subscription.retrieve,
        id=subscription_id,
        expand=["default_payment_method"],
    )


def verify_event(payload: bytes, signature: str) -> dict[str, Any]:
    """The event, if Stripe signed it with our endpoint's secret; ValueError otherwise."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("No webhook secret is configured; no event can be trusted.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise ValueError(str(error)) from error
    return event.to_dict()
