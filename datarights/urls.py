from django.urls import path

from datarights import views

app_name = "datarights"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export.<str:fmt>", views.my_export, name="my_export"),
    path("people/<pid:person_id>/export.<str:fmt>", views.person_export, name="person_export"),
    path("people/<pid:person_id>/erase/", views.person_erase, name="person_erase"),
    path("organization/", views.organization, name="organization"),
    path("organization/export/", views.organization_export, name="organization_export"),
    path(
        "organization/exports/<pid:export_id>/download/",
        views.organization_export_download,
        name="organization_export_download",
    ),
    path("organization/delete/", views.organization_delete, name="organization_delete"),
    path(
        "organization/delete/cancel/",
        views.organization_delete_cancel,
        name="organization_delete_cancel",
    ),
]
