from django.urls import path

from core.wip import wip
from frameworks import lint_views

app_name = "frameworks"
urlpatterns = [
    path("", wip, name="index"),
    path("my-ladder/", wip, name="my_ladder"),
    path("templates/", wip, name="library"),
    path("lint/", lint_views.lint, name="lint"),
    path("<pid:version_id>/lint/", lint_views.lint_report, name="lint_report"),
]
