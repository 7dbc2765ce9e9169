from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = "Gap reports and development plans"

    def ready(self) -> None:
        from growth import panels
        from people.panels import register
        from reviews.hooks import register_form_notes

        register(panels.development_panel)
        register_form_notes(panels.review_form_notes)
