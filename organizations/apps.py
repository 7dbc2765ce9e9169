from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganizationsConfig(AppConfig):
    name = "organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations import audit_guards, db_guards

        db_guards.register(audit_guards.triggers)
        post_migrate.connect(db_guards.install_after_migrate, sender=self)
