"""In a real browser: an owner whose trial has ended pays for a plan. Billing page →
"Pay monthly" → the (fake, loopback) Stripe Checkout → back to the billing page, which
updates itself when Stripe's signed event arrives: the organization is active and the
page shows the plan and the next invoice date. Screenshots of the billing page in each
state, and of the ROI calculator with and without JavaScript, go to screenshots/."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Organization
from tests.accounts.test_browser_signup import login_as
from tests.billing.fake_stripe import make_event
from tests.billing.helpers import invoice, post_event, subscription_event
from tests.browser import DESKTOP, PHONE, shoot_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


def shoot(page: Any, name: str) -> None:
    shoot_widths(page, f"billing-{name}")


def no_overflow(page: Any) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide at 390px"
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def stripe_live(fake_stripe, live_server, settings):
    settings.SITE_URL = live_server.url
    fake_stripe.webhook_url = f"{live_server.url}/billing/webhook/"
    csp = {**settings.SECURE_CSP}
    csp["form-action"] = [*csp["form-action"], fake_stripe.url]
    settings.SECURE_CSP = csp
    return fake_stripe


def test_an_owner_pays_for_a_plan(page, live_server, world, stripe_live):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save(update_fields=["trial_ends_at"])
    login_as(page, live_server, world.owner)

    page.goto(f"{live_server.url}/home/")
    page.locator(".page-header").get_by_role("link", name="Choose a plan").click()
    page.wait_for_url(re.compile(r"/billing/$"))
    expect(page.get_by_role("heading", name="Your free trial has ended")).to_be_visible()
    shoot(page, "expired")
    no_overflow(page)

    page.get_by_role("button", name="Pay monthly").click()
    page.wait_for_url(re.compile(rf"^{re.escape(stripe_live.url)}/checkout/cs_"))
    expect(page.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(re.compile(r"/billing/\?checkout=done$"))
    plan = page.locator("#plan")
    expect(plan.get_by_text("Active")).to_be_visible(timeout=15000)
    expect(plan.get_by_text("Next invoice")).to_be_visible()
    sub = next(iter(stripe_live.subscriptions.values()))
    end = timezone.datetime.fromtimestamp(
        sub["items"]["data"][0]["current_period_end"], tz=timezone.UTC
    )
    expect(plan.get_by_text(end.strftime("%-d %B %Y"))).to_be_visible()
    expect(plan.get_by_text("Visa ending 4242")).to_be_visible()
    expect(page.get_by_text("is read-only")).to_have_count(0)
    world.acme.refresh_from_db()
    assert world.acme.plan == Organization.Plan.ACTIVE and not world.acme.is_read_only
    page.goto(f"{live_server.url}/billing/")
    shoot(page, "active")

    # the portal, for invoices and the card
    page.get_by_role("button", name="Manage card and invoices").click()
    page.wait_for_url(re.compile(rf"^{re.escape(stripe_live.url)}/portal/"))
    page.get_by_role("link", name="Return").click()
    page.wait_for_url(re.compile(r"/billing/$"))

    # a failed payment: the page says what to do and by when
    sub["status"] = "past_due"
    post_event(Client(), make_event("invoice.payment_failed", invoice(sub)))
    page.reload()
    expect(page.locator("#plan").get_by_text("Payment failed", exact=True)).to_be_visible()
    shoot(page, "past-due")

    # cancelled: usable until the end of the period
    sub["status"] = "active"
    post_event(Client(), make_event("invoice.paid", invoice(sub, n=2, amount_paid=24900)))
    post_event(
        Client(),
        subscription_event("customer.subscription.updated", sub, cancel_at_period_end=True),
    )
    page.reload()
    expect(page.locator("#plan").get_by_text("Cancelled", exact=True)).to_be_visible()
    shoot(page, "cancelled")

    # ended: read-only, choose a plan again
    post_event(
        Client(), subscription_event("customer.subscription.deleted", sub, status="canceled")
    )
    page.reload()
    expect(page.get_by_role("heading", name="Your subscription has ended")).to_be_visible()
    expect(page.get_by_role("button", name="Pay yearly")).to_be_visible()
    shoot(page, "ended")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_trial_and_self_hosted_billing_pages(page, live_server, world, settings):
    login_as(page, live_server, world.owner)
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    settings.STRIPE_PRICE_MONTHLY, settings.STRIPE_PRICE_YEARLY = "price_month", "price_year"
    page.goto(f"{live_server.url}/billing/")
    expect(page.get_by_role("heading", name="Free trial: 14 days left")).to_be_visible()
    shoot(page, "trial")
    no_overflow(page)
    settings.STRIPE_SECRET_KEY = ""
    settings.BILLING_CONTACT_EMAIL = "billing@ladders.example"
    page.reload()
    expect(page.get_by_text("manage.py activate_organization acme")).to_be_visible()
    # the command reads as white on the dark block, not white on an inline-code chip
    colours = page.locator(".command code").evaluate(
        "c => [getComputedStyle(c).color, getComputedStyle(c).backgroundColor]"
    )
    assert colours == ["rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"], colours
    shoot(page, "self-hosted")
    no_overflow(page)
    page.goto(f"{live_server.url}/home/")
    shoot(page, "dashboard-owner")


def test_the_roi_calculator_updates_as_you_type(page, live_server):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="What do unclear career paths cost you?").click()
    page.wait_for_url(re.compile(r"/roi/$"))
    results = page.locator("#roi-results")
    expect(results.get_by_text("$116,932–$431,932")).to_be_visible()
    page.get_by_label("People in your company").fill("200")
    # no click: the figures follow the typing
    expect(results.get_by_text("$221,932–$851,932")).to_be_visible()
    assert "headcount=200" in page.url
    chart = results.get_by_role("img")
    expect(chart).to_have_attribute("alt", re.compile(r"^Bar chart\. The status quo costs"))
    # the chart is an <img> whose src follows the figures: wait for the new one to load.
    # Polled with evaluate, not wait_for_function: a predicate still false at its first
    # check is re-run by eval() in the page, which the strict CSP refuses (a flaky failure).
    deadline = time.monotonic() + 10
    while not page.evaluate(
        "() => { const c = document.querySelector('.roi__chart');"
        " return c.complete && c.naturalWidth > 0; }"
    ):
        assert time.monotonic() < deadline, "the chart image did not load"
        page.wait_for_timeout(100)
    shoot(page, "roi")
    no_overflow(page)


def test_the_roi_calculator_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/roi/")
    page.get_by_label("People in your company").fill("50")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_url(re.compile(r"headcount=50"))
    expect(page.locator("#roi-results").get_by_text("$64,432–$221,932")).to_be_visible()
    shoot(page, "roi-nojs")
    context.close()
