from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class OrganizationsConfig(AppConfig):
    name = "organizations"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from organizations import audit_guards, audit_words, db_guards, scoping

        audit_words.load()
        db_guards.register(audit_guards.triggers)
        post_migrate.connect(db_guards.install_after_migrate, sender=self)
        connection_created.connect(db_guards.register_sqlite_functions, dispatch_uid="clb_sql_fn")
        pre_save.connect(scoping.guard_save, dispatch_uid="clb_tenant_write_fence")
