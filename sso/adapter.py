"""allauth's social-account adapter for company sign-in."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from sso import providers


class CompanySignInAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: Any, provider: Any = None, client_id: Any = None) -> list:
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [*apps, *providers.find(provider, client_id)]

    def pre_social_login(self, request: Any, sociallogin: Any) -> None:
        from sso.signin import admit

        admit(request, sociallogin)

    def is_open_for_signup(self, request: Any, sociallogin: Any) -> bool:
        # Company sign-in makes logins itself (sso/signin.py); allauth's own social
        # sign-up form is never offered.
        return False

    def get_connect_redirect_url(self, request: Any, socialaccount: Any) -> str:
        return "/"
