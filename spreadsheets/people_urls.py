"""The people CSV import's pages. They are the importer's views (`spreadsheets.views_people`)
but keep the people directory's paths and URL names (`people:import`, …): clb/urls.py
mounts them with `people.urls` under /people/, since `people` imports no importer
(docs/architecture.md)."""

from django.urls import path

from spreadsheets import views_people

urlpatterns = [
    path("import/", views_people.import_upload, name="import"),
    path("import/example.csv", views_people.import_example, name="import_example"),
    path("import/<pid:import_id>/", views_people.import_preview, name="import_preview"),
]
