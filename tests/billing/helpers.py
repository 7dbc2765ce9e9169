from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.billing.fake_stripe import FakeStripe, make_event, sign


def post_event(client: Client, event: dict[str, Any], **kwargs: Any) -> Any:
    payload = json.dumps(event)
    signature = kwargs.pop("signature", None) or sign(payload, **kwargs)
    return client.post(
        reverse("billing:webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def subscribe(world: Any, fake: FakeStripe, *, interval: str = "month", **sub: Any) -> dict:
    """Acme's owner pays through checkout; Stripe's event arrives. The subscription."""
    owner = world.client_for(world.owner)
    response = owner.post(reverse("billing:checkout"), {"interval": interval})
    assert response.status_code == 302 and response["Location"].startswith(fake.url)
    session = fake.sessions[response["Location"].rsplit("/", 1)[1]]
    event = fake.complete(session)
    if sub:
        fake.subscriptions[session["subscription"]].update(sub)
    assert post_event(Client(), event).status_code == 200
    return fake.subscriptions[session["subscription"]]


def subscription_event(kind: str, sub: dict, **changes: Any) -> dict:
    sub.update(changes)
    return make_event(kind, json.loads(json.dumps(sub)), **({}))


def invoice(sub: dict, *, amount: int = 24900, **extra: Any) -> dict:
    return {
        "id": f"in_{sub['id']}_{extra.pop('n', 1)}",
        "object": "invoice",
        "customer": sub["customer"],
        "amount_due": amount,
        "currency": "usd",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": sub["id"], "metadata": sub["metadata"]},
        },
        **extra,
    }
