"""Paying for the plan through the real `stripe` library against a fake Stripe on
loopback, and Stripe's signed webhook events: activation, a failed payment and its grace,
cancellation, replays, bad signatures; who may open billing; the self-hosted page."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingNotice, StripeEvent, Subscription
from billing.services import run_daily
from organizations.models import AuditEntry, Organization
from organizations.scoping import scope
from tests.billing.fake_stripe import make_event, sign
from tests.billing.helpers import invoice, post_event, subscribe, subscription_event
from tests.test_access_matrix import acme_fingerprint

pytestmark = pytest.mark.django_db(transaction=True)  # e-mails leave on commit

DAY = 86400


def acme(world) -> Organization:
    world.acme.refresh_from_db()
    return world.acme


def expire(org: Organization) -> None:
    org.trial_ends_at = timezone.now() - timedelta(days=2)
    org.save(update_fields=["trial_ends_at"])


def sub_row(world) -> Subscription:
    with scope(world.acme):
        return Subscription.objects.get()


def subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


# --- checkout and activation --------------------------------------------------------------


def test_checkout_asks_stripe_for_the_plan(world, fake_stripe):
    owner = world.client_for(world.owner)
    response = owner.post(reverse("billing:checkout"), {"interval": "year"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{fake_stripe.url}/checkout/cs_")
    method, path, params = fake_stripe.requests[-1]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert params["mode"] == ["subscription"]
    assert params["line_items[0][price]"] == ["price_year"]
    assert params["client_reference_id"] == [world.acme.public_id]
    assert params["subscription_data[metadata][organization]"] == [world.acme.public_id]
    assert params["customer_email"] == ["olivia@acme.test"]
    assert params["success_url"][0].endswith("/billing/?checkout=done")
    with scope(world.acme):
        assert AuditEntry.objects.filter(action="billing.checkout_started").count() == 1
    assert acme(world).on_trial  # nothing changes until Stripe says it is paid


def test_an_expired_trial_can_still_pay(world, fake_stripe):
    expire(world.acme)
    owner = world.client_for(world.owner)
    page = owner.get(reverse("billing:index")).content.decode()
    assert "Your free trial has ended" in page and "Pay monthly" in page
    response = owner.post(reverse("billing:checkout"), {"interval": "month"})
    assert response.status_code == 302 and response["Location"].startswith(fake_stripe.url)


def test_a_paid_checkout_activates_the_organization(world, fake_stripe):
    expire(world.acme)
    assert acme(world).is_read_only
    sub = subscribe(world, fake_stripe)
    org = acme(world)
    assert org.plan == Organization.Plan.ACTIVE and not org.is_read_only
    assert org.paid_until is None
    row = sub_row(world)
    assert row.status == "active" and row.interval == "month"
    assert row.stripe_subscription_id == sub["id"] and row.stripe_customer_id == sub["customer"]
    period_end = datetime.fromtimestamp(sub["items"]["data"][0]["current_period_end"], tz=UTC)
    assert row.next_invoice_at == period_end
    assert (row.card_brand, row.card_last4) == ("visa", "4242")
    page = world.client_for(world.owner).get(reverse("billing:index")).content.decode()
    assert "Active" in page and "Next invoice" in page
    assert period_end.strftime("%-d %B %Y") in page
    assert "Visa ending 4242" in page
    with scope(world.acme):
        activated = AuditEntry.objects.get(action="organization.activated")
        assert activated.actor_label == "Stripe"
    # and the organization can change things again
    add = world.client_for(world.owner).post(reverse("people:add"), {"name": "Nina New"})
    assert add.status_code != 403


def test_a_replayed_event_changes_nothing(world, fake_stripe):
    owner = world.client_for(world.owner)
    response = owner.post(reverse("billing:checkout"), {"interval": "month"})
    session = fake_stripe.sessions[response["Location"].rsplit("/", 1)[1]]
    event = fake_stripe.complete(session)
    first = post_event(Client(), event)
    assert first.json()["outcome"] == "activated"
    sub = fake_stripe.subscriptions[session["subscription"]]
    # the subscription ends; a replay of the old "completed" event must not revive it
    assert (
        post_event(
            Client(),
            subscription_event(
                "customer.subscription.deleted", sub, status="canceled", ended_at=int(time.time())
            ),
        ).status_code
        == 200
    )
    assert acme(world).plan == Organization.Plan.SUSPENDED
    before, sent = acme_fingerprint(world.acme), len(mail.outbox)
    replay = post_event(Client(), event)
    assert replay.status_code == 200 and replay.json()["outcome"] == "already applied"
    assert acme_fingerprint(world.acme) == before
    assert len(mail.outbox) == sent
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1


@pytest.mark.parametrize("how", ["wrong secret", "tampered", "missing", "old", "no secret set"])
def test_a_bad_signature_answers_400_and_changes_nothing(world, fake_stripe, settings, how):
    owner = world.client_for(world.owner)
    response = owner.post(reverse("billing:checkout"), {"interval": "month"})
    session = fake_stripe.sessions[response["Location"].rsplit("/", 1)[1]]
    event = fake_stripe.complete(session)
    payload = json.dumps(event)
    signature = sign(payload)
    if how == "wrong secret":
        signature = sign(payload, secret="whsec_someone_else")
    elif how == "tampered":
        payload = payload.replace(world.acme.public_id, world.globex.public_id)
    elif how == "missing":
        signature = ""
    elif how == "old":
        signature = sign(payload, timestamp=int(time.time()) - 3600)
    elif how == "no secret set":
        settings.STRIPE_WEBHOOK_SECRET = ""
        signature = sign(payload, secret="")
    before = acme_fingerprint(world.acme)
    answer = Client().post(
        reverse("billing:webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    assert answer.status_code == 400
    assert acme_fingerprint(world.acme) == before
    assert not StripeEvent.objects.exists()
    assert acme(world).on_trial


# --- a failed payment, its grace, and read-only at the end of the paid period -------------


def test_a_failed_payment_warns_then_locks_at_the_end_of_the_paid_period(world, fake_stripe):
    end = int(time.time()) + 10 * DAY
    sub = subscribe(world, fake_stripe)
    mail.outbox.clear()
    sub["items"]["data"][0]["current_period_end"] = end
    sub["status"] = "past_due"
    failed = make_event(
        "invoice.payment_failed", invoice(sub, next_payment_attempt=int(time.time()) + 3 * DAY)
    )
    assert post_event(Client(), failed).status_code == 200
    org = acme(world)
    assert not org.is_read_only  # the paid period is not over
    assert org.paid_until == datetime.fromtimestamp(end, tz=UTC)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Payment failed for Acme" in message.subject
    assert message.to == ["olivia@acme.test"]
    assert "249.00 USD" in message.body and "/billing/" in message.body
    assert org.paid_until.strftime("%-d %B %Y") in message.body
    page = world.client_for(world.owner).get(reverse("billing:index")).content.decode()
    assert "Payment failed" in page and "Manage card and invoices" in page
    # the day after the period ends, the daily run makes it read-only and says so
    done = run_daily(now=org.paid_until + timedelta(minutes=1))
    assert done["acme"] == ["read-only"]
    org = acme(world)
    assert org.plan == Organization.Plan.SUSPENDED and org.is_read_only
    assert any("Acme is now read-only" in s for s in subjects())
    refused = world.client_for(world.owner).post(reverse("people:add"), {"name": "Nina"})
    assert refused.status_code == 403
    assert b"the subscription has ended" in refused.content
    sent = len(mail.outbox)
    assert "acme" not in run_daily(now=org.paid_until + timedelta(days=1))
    assert not [m for m in mail.outbox[sent:] if "olivia@acme.test" in m.to]


def test_read_only_starts_at_the_period_end_even_before_the_daily_run(world, fake_stripe):
    sub = subscribe(world, fake_stripe)
    sub["status"] = "past_due"
    sub["items"]["data"][0]["current_period_end"] = int(time.time()) - 60
    post_event(Client(), make_event("invoice.payment_failed", invoice(sub)))
    org = acme(world)
    assert org.plan == Organization.Plan.ACTIVE and org.is_read_only
    body = world.client_for(world.owner).get(reverse("dashboard")).content
    assert b"The subscription has ended." in body


def test_a_payment_after_a_failure_clears_the_grace(world, fake_stripe):
    sub = subscribe(world, fake_stripe)
    sub["status"] = "past_due"
    failed = make_event("invoice.payment_failed", invoice(sub))
    post_event(Client(), failed)
    assert acme(world).paid_until is not None
    sub["status"] = "active"
    paid = make_event("invoice.paid", invoice(sub, n=2, amount_paid=24900))
    assert post_event(Client(), paid).json()["outcome"] == "activated"
    org = acme(world)
    assert org.paid_until is None and org.plan == Organization.Plan.ACTIVE
    with scope(world.acme):
        assert AuditEntry.objects.filter(action="billing.payment_succeeded").exists()
    # Stripe delivers the failure again: it is recognised and changes nothing
    before, sent = acme_fingerprint(world.acme), len(mail.outbox)
    assert post_event(Client(), failed).json()["outcome"] == "already applied"
    assert acme_fingerprint(world.acme) == before and len(mail.outbox) == sent


# --- cancellation -------------------------------------------------------------------------


def test_a_cancelled_subscription_runs_to_the_end_of_the_period(world, fake_stripe):
    sub = subscribe(world, fake_stripe, interval="year")
    mail.outbox.clear()
    end = sub["items"]["data"][0]["current_period_end"]
    updated = subscription_event("customer.subscription.updated", sub, cancel_at_period_end=True)
    assert post_event(Client(), updated).status_code == 200
    org = acme(world)
    assert not org.is_read_only and org.paid_until == datetime.fromtimestamp(end, tz=UTC)
    assert subjects() == [
        f"[Career Ladder Builder] Acme: your subscription ends on {org.paid_until:%-d %B}"
    ]
    page = world.client_for(world.owner).get(reverse("billing:index")).content.decode()
    assert "Cancelled" in page and org.paid_until.strftime("%-d %B %Y") in page
    assert "Next invoice" not in page
    assert b"The subscription ends on" in world.client_for(world.hr).get("/home/").content
    # Stripe ends it when the period is over
    deleted = subscription_event(
        "customer.subscription.deleted", sub, status="canceled", ended_at=end
    )
    assert post_event(Client(), deleted).json()["outcome"] == "read-only"
    assert acme(world).plan == Organization.Plan.SUSPENDED
    assert subjects()[-1] == "[Career Ladder Builder] Acme is now read-only"
    page = world.client_for(world.owner).get(reverse("billing:index")).content.decode()
    assert "Your subscription has ended" in page and "Pay monthly" in page


def test_an_older_event_never_overwrites_newer_news(world, fake_stripe):
    sub = subscribe(world, fake_stripe)
    now = int(time.time())
    newer = make_event(
        "customer.subscription.updated", {**sub, "cancel_at_period_end": True}, created=now + 5
    )
    older = make_event(
        "customer.subscription.updated", {**sub, "cancel_at_period_end": False}, created=now + 1
    )
    post_event(Client(), newer)
    assert post_event(Client(), older).json()["outcome"].startswith("older")
    assert sub_row(world).cancel_at_period_end and acme(world).paid_until is not None


def test_an_event_for_someone_else_is_recorded_and_ignored(world, fake_stripe):
    before = acme_fingerprint(world.acme)
    stranger = make_event(
        "customer.subscription.updated",
        {
            "id": "sub_elsewhere",
            "object": "subscription",
            "customer": "cus_x",
            "status": "active",
            "metadata": {},
        },
    )
    assert post_event(Client(), stranger).json()["outcome"].startswith("no organization")
    assert acme_fingerprint(world.acme) == before


# --- the portal, and Stripe being away ------------------------------------------------------


def test_the_portal_opens_for_the_stripe_customer(world, fake_stripe):
    sub = subscribe(world, fake_stripe)
    response = world.client_for(world.owner).post(reverse("billing:portal"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{fake_stripe.url}/portal/bps_")
    _method, path, params = fake_stripe.requests[-1]
    assert path == "/v1/billing_portal/sessions"
    assert params["customer"] == [sub["customer"]]
    assert params["return_url"][0].endswith("/billing/")


def test_portal_before_any_subscription_explains(world, fake_stripe):
    response = world.client_for(world.owner).post(reverse("billing:portal"), follow=True)
    assert b"There is no subscription to manage yet" in response.content


def test_stripe_unreachable_is_explained_and_changes_nothing(world, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nobody listens
    response = world.client_for(world.owner).post(
        reverse("billing:checkout"), {"interval": "month"}, follow=True
    )
    assert b"We could not reach our payment provider" in response.content
    with scope(world.acme):
        assert not Subscription.objects.exists()


# --- who may open billing -------------------------------------------------------------------


def test_only_owners_reach_billing(world, fake_stripe):
    for user in (world.hr, world.manager, world.employee):
        client = world.client_for(user)
        assert client.get(reverse("billing:index")).status_code == 403
        assert client.post(reverse("billing:checkout"), {"interval": "month"}).status_code == 403
        assert client.post(reverse("billing:portal")).status_code == 403
    assert not [r for r in fake_stripe.requests if r[1].startswith("/v1/")]
    assert world.client_for(world.owner).get(reverse("billing:index")).status_code == 200
    assert Client().get(reverse("billing:index")).status_code == 302  # to the login


# --- without Stripe (self-hosted) -----------------------------------------------------------


def test_self_hosted_billing_says_how_the_operator_activates(world, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.BILLING_CONTACT_EMAIL = "billing@ladders.example"
    expire(world.acme)
    page = world.client_for(world.owner).get(reverse("billing:index")).content.decode()
    assert "manage.py activate_organization acme" in page
    assert 'href="mailto:billing@ladders.example"' in page
    assert "Pay monthly" not in page
    refused = world.client_for(world.owner).post(
        reverse("billing:checkout"), {"interval": "month"}, follow=True
    )
    assert b"Payments are not set up on this installation." in refused.content
    settings.BILLING_CONTACT_EMAIL = ""
    page = world.client_for(world.owner).get(reverse("billing:index")).content.decode()
    assert "mailto:" not in page and "Ask whoever set up Career Ladder Builder" in page


# --- the daily run ---------------------------------------------------------------------------


def test_trial_reminders_go_once(world):
    world.acme.trial_ends_at = timezone.now() + timedelta(days=2, hours=3)
    world.acme.save(update_fields=["trial_ends_at"])
    assert run_daily()["acme"] == ["trial ends soon"]
    assert run_daily().get("acme") is None
    assert subjects() == [
        f"[Career Ladder Builder] Acme: your free trial ends on {world.acme.trial_ends_at:%-d %B}"
    ]
    later = world.acme.trial_ends_at + timedelta(hours=1)
    assert run_daily(now=later)["acme"] == ["trial ended"]
    assert "Acme is read-only: the free trial has ended" in subjects()[-1]
    assert "/billing/" in mail.outbox[-1].body
    with scope(world.acme):
        assert BillingNotice.objects.count() == 2


def test_a_card_that_expires_before_the_next_payment_is_flagged(world, fake_stripe):
    soon = timezone.now() + timedelta(days=20)
    before_due = soon - timedelta(days=40)
    subscribe(world, fake_stripe)
    sub = fake_stripe.subscriptions[sub_row(world).stripe_subscription_id]
    sub["items"]["data"][0]["current_period_end"] = int(soon.timestamp())
    sub["default_payment_method"]["card"].update(
        exp_month=before_due.month, exp_year=before_due.year
    )
    post_event(Client(), subscription_event("customer.subscription.updated", sub))
    mail.outbox.clear()
    assert run_daily()["acme"] == ["card expires"]
    assert run_daily().get("acme") is None
    assert subjects() == ["[Career Ladder Builder] Acme: your card expires before the next payment"]
    assert "Visa ending 4242" in mail.outbox[0].body
