from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Scheduled jobs"

    def ready(self) -> None:
        from jobs.scheduler import start_ticking
        from organizations.signals import worker_started

        worker_started.connect(start_ticking, dispatch_uid="jobs-scheduler-tick")
