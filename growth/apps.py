from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Gap reports and development plans"

    def ready(self) -> None:
        from growth import audit_words, panels
        from people.panels import register
        from reviews.hooks import register_form_notes

        audit_words.register()
        register(panels.development_panel)
        register_form_notes(panels.review_form_notes)
