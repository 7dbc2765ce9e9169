from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = "Promotions"

    def ready(self) -> None:
        from organizations import db_guards
        from promotions import db_guards as promotion_guards
        from promotions import receivers  # noqa: F401  (connects the signal receivers)

        db_guards.register(promotion_guards.triggers)
