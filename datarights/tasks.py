"""Background jobs: they take ids and re-enter the organization's scope."""

from __future__ import annotations

from django.tasks import task


@task()
def build_organization_export(export_id: int) -> None:
    from datarights.services import build_export

    build_export(export_id)
