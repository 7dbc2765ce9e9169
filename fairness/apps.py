from django.apps import AppConfig


class FairnessConfig(AppConfig):
    name = "fairness"
    verbose_name = "Promotion fairness"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from fairness import receivers
        from promotions.models import PromotionCase

        post_save.connect(
            receivers.promotion_case_saved,
            sender=PromotionCase,
            dispatch_uid="fairness.promotion_case_saved",
        )
