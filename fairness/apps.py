from django.apps import AppConfig


class FairnessConfig(AppConfig):
    name = "fairness"
    verbose_name = "Promotion fairness"

    def ready(self) -> None:
        from fairness import receivers  # noqa: F401  (connects the signal receivers)
