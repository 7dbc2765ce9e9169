"""A small fake of Stripe's API on loopback, for the real `stripe` library to talk to.

It answers the endpoints billing calls (checkout sessions, billing portal sessions,
subscriptions), serves a fake checkout page whose "Pay" button creates the customer and
subscription and redirects back to the success URL, and, like Stripe, then sends the
signed `checkout.session.completed` event to the product's webhook. Nothing leaves
127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WEBHOOK_SECRET = "whsec_test_secret_for_the_fake"
DAY = 86400


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed exactly as Stripe computes it."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


_counter = iter(range(1, 1_000_000))


def new_id(prefix: str) -> str:
    return f"{prefix}_test{next(_counter):06d}"


def make_event(kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": "2026-01-28.clover",
        "created": int(time.time()) if created is None else created,
        "livemode": False,
        "type": kind,
        "data": {"object": obj},
    }


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.webhook_url = ""
        self.sent_events: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: Any, content_type: str = "application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, url: str) -> None:
                self.send_response(303)
                self.send_header("Location", url)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                fake.handle(self, "GET")

            def do_POST(self) -> None:
                fake.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the API --------------------------------------------------------------------------

    def handle(self, h: Any, method: str) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length).decode() if length else ""
        params = parse_qs(body or parts.query)
        self.requests.append((method, parts.path, params))
        path = parts.path
        if path.startswith("/v1/") and not h.headers.get("Authorization", "").startswith(
            "Bearer sk_test_"
        ):
            return h._reply(401, {"error": {"type": "invalid_request_error", "message": "key"}})
        if method == "POST" and path == "/v1/checkout/sessions":
            return h._reply(200, self.create_session(params))
        if method == "POST" and path == "/v1/billing_portal/sessions":
            sid = new_id("bps")
            return_url = params["return_url"][0]
            self.sessions[sid] = {"return_url": return_url}
            return h._reply(
                200,
                {
                    "id": sid,
                    "object": "billing_portal.session",
                    "url": f"{self.url}/portal/{sid}",
                    "return_url": return_url,
                },
            )
        if method == "GET" and path.startswith("/v1/subscriptions/"):
            sub = self.subscriptions.get(path.rsplit("/", 1)[1])
            if sub is None:
                return h._reply(
                    404,
                    {"error": {"type": "invalid_request_error", "message": "No such subscription"}},
                )
            return h._reply(200, sub)
        if method == "GET" and path.startswith("/checkout/"):
            session = self.sessions[path.rsplit("/", 1)[1]]
            page = (
                "<!doctype html><title>Fake Stripe Checkout</title><h1>Fake Stripe Checkout</h1>"
                f"<p>Pay for {session['price']} ({session['customer_email'] or 'customer'})</p>"
                f'<form method="post" action="{path}/pay"><button>Pay</button></form>'
            )
            return h._reply(200, page.encode(), "text/html; charset=utf-8")
        if method == "POST" and path.startswith("/checkout/") and path.endswith("/pay"):
            session = self.sessions[path.split("/")[2]]
            self.complete(session)
            return h._redirect(
                session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
            )
        if method == "GET" and path.startswith("/portal/"):
            back = self.sessions[path.rsplit("/", 1)[1]]["return_url"]
            page = (
                "<!doctype html><title>Fake portal</title><h1>Fake portal</h1>"
                f'<a href="{back}">Return</a>'
            )
            return h._reply(200, page.encode(), "text/html; charset=utf-8")
        return h._reply(404, {"error": {"type": "invalid_request_error", "message": path}})

    def create_session(self, params: dict[str, list[str]]) -> dict[str, Any]:
        sid = new_id("cs")
        one = {k: v[0] for k, v in params.items()}
        session = {
            "id": sid,
            "object": "checkout.session",
            "mode": one.get("mode"),
            "url": f"{self.url}/checkout/{sid}",
            "price": one.get("line_items[0][price]"),
            "client_reference_id": one.get("client_reference_id"),
            "customer": one.get("customer"),
            "customer_email": one.get("customer_email"),
            "metadata": {"organization": one.get("metadata[organization]")},
            "success_url": one.get("success_url"),
            "cancel_url": one.get("cancel_url"),
            "subscription": None,
            "status": "open",
        }
        self.sessions[sid] = session
        return session

    def subscription(
        self,
        *,
        organization: str,
        customer: str | None = None,
        interval: str = "month",
        status: str = "active",
        period_end: int | None = None,
        card_exp: tuple[int, int] = (12, 2031),
    ) -> dict[str, Any]:
        sid = new_id("sub")
        end = period_end or int(time.time()) + (365 if interval == "year" else 30) * DAY
        sub = {
            "id": sid,
            "object": "subscription",
            "customer": customer or new_id("cus"),
            "status": status,
            "cancel_at_period_end": False,
            "cancel_at": None,
            "ended_at": None,
            "metadata": {"organization": organization},
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": new_id("si"),
                        "object": "subscription_item",
                        "current_period_start": end - 30 * DAY,
                        "current_period_end": end,
                        "price": {
                            "id": f"price_{interval}",
                            "object": "price",
                            "recurring": {"interval": interval},
                        },
                    }
                ],
            },
            "default_payment_method": {
                "id": new_id("pm"),
                "object": "payment_method",
                "card": {
                    "brand": "visa",
                    "last4": "4242",
                    "exp_month": card_exp[0],
                    "exp_year": card_exp[1],
                },
            },
        }
        self.subscriptions[sid] = sub
        return sub

    def complete(self, session: dict[str, Any]) -> dict[str, Any]:
        """The customer paid: a subscription exists; Stripe sends the event."""
        interval = "year" if session["price"] == "price_year" else "month"
        sub = self.subscription(
            organization=session["client_reference_id"],
            customer=session["customer"],
            interval=interval,
        )
        session.update(status="complete", subscription=sub["id"], customer=sub["customer"])
        event = make_event("checkout.session.completed", dict(session))
        if self.webhook_url:
            threading.Thread(target=self.deliver, args=(event,), daemon=True).start()
        return event

    def deliver(self, event: dict[str, Any]) -> int:
        payload = json.dumps(event)
        request = urllib.request.Request(  # noqa: S310 (our own loopback URL)
            self.webhook_url,
            data=payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            self.sent_events.append(event)
            return response.status
