from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "frameworks"

    def ready(self) -> None:
        from frameworks import db_guards as frameworks_guards
        from organizations import db_guards

        db_guards.register(frameworks_guards.triggers)
