from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"

    def ready(self) -> None:
        from organizations.signals import worker_started
        from spreadsheets.leases import start_reaping

        worker_started.connect(start_reaping, dispatch_uid="spreadsheets-reap-stale-imports")
