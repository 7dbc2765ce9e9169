from django.apps import AppConfig


class FairnessConfig(AppConfig):
    name = "fairness"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Promotion fairness"

    def ready(self) -> None:
        from fairness import audit_words

        audit_words.register()
