from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review cycles"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from organizations.models import Organization
        from reviews import signals

        post_save.connect(
            signals.give_new_organization_a_scale,
            sender=Organization,
            dispatch_uid="reviews.scale_for_new_organization",
        )
