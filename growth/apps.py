from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Gap reports and development plans"

    def ready(self) -> None:
        from growth import audit_words

        audit_words.register()
