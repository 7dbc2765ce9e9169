from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: Any) -> str:
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request: Any) -> bool:
        return getattr(settings, "SIGNUP_OPEN", True)

    def populate_username(self, request: Any, user: Any) -> None:
        # We log in by e-mail; the username mirrors it so the admin stays readable.
        user.username = (user.email or "")[:150]
