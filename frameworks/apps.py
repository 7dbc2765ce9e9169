from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "frameworks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from frameworks import audit_words
        from frameworks import db_guards as frameworks_guards
        from organizations import db_guards

        db_guards.register(frameworks_guards.triggers)
        audit_words.register()
