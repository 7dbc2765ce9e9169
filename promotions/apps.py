from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "promotions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Promotions"

    def ready(self) -> None:
        from organizations import db_guards
        from promotions import (
            audit_words,
            receivers,  # noqa: F401  (connects the signal receivers)
        )
        from promotions import db_guards as promotion_guards

        audit_words.register()
        db_guards.register(promotion_guards.triggers)
