from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.billing.fake_stripe import WEBHOOK_SECRET, FakeStripe


@pytest.fixture(autouse=True)
def _no_real_stripe(settings: Any) -> Iterator[None]:
    """Nothing reaches Stripe: without the fake, the API base is a closed loopback port."""
    before = stripe.api_base
    stripe.api_base = "http://127.0.0.1:9"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    yield
    stripe.api_base = before


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    fake = FakeStripe()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PRICE_MONTHLY = "price_month"
    settings.STRIPE_PRICE_YEARLY = "price_year"
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.close()
