from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    name = "datarights"
    verbose_name = "Data rights"

    def ready(self) -> None:
        from datarights import declarations, panels
        from people.panels import register

        declarations.load()
        register(panels.personal_data_panel)
