from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public API"

    def ready(self) -> None:
        from api import tokens
        from organizations.signals import login_closed

        login_closed.connect(tokens.revoke_on_login_closed, dispatch_uid="api.revoke_tokens")
