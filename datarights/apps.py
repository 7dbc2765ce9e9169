from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    name = "datarights"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Data rights"

    def ready(self) -> None:
        from datarights import declarations, panels
        from people.panels import register

        declarations.load()
        register(panels.personal_data_panel)
