from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages, in the words the rest of the product uses.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "That e-mail address and password do not match. Check both and try again."
        ),
        "too_many_login_attempts": (
            "Too many failed login attempts. Wait a few minutes and try again, or reset "
            "your password."
        ),
        "email_taken": "There is already an account with this e-mail address. Log in instead.",
        "enter_current_password": "Enter your current password.",
        "incorrect_code": "That code is not right. Check your app shows Career Ladder Builder "
        "and type the six digits it shows now.",
        "incorrect_password": "That password is not right.",
        "rate_limited": "Too many requests in a short time. Wait a minute and try again.",
    }

    def add_message(
        self,
        request: Any,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """One message for one thing that happened: confirming an e-mail address also logs
        the person in, so "Successfully signed in" after "You have confirmed …" is left out
        (the confirmation says it all)."""
        if message_template == "account/messages/email_confirmed.txt":
            request._clb_email_confirmed = True
        elif message_template == "account/messages/logged_in.txt" and getattr(
            request, "_clb_email_confirmed", False
        ):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_client_ip(self, request: Any) -> str:
        """The address rate limits count under: X-Forwarded-For only from TRUSTED_PROXIES."""
        from organizations.clientip import client_ip

        return client_ip(request) or super().get_client_ip(request)

    def get_login_redirect_url(self, request: Any) -> str:
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request: Any) -> bool:
        return getattr(settings, "SIGNUP_OPEN", True)

    def populate_username(self, request: Any, user: Any) -> None:
        # We log in by e-mail; the username mirrors it so the admin stays readable.
        user.username = (user.email or "")[:150]
