from django.apps import AppConfig


class OnetConfig(AppConfig):
    name = "onet"
    default_auto_field = "django.db.models.BigAutoField"
