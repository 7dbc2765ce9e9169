from django.urls import path

from datarights import views

app_name = "datarights"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export.<str:fmt>", views.my_export, name="my_export"),
    path("people/<pid:person_id>/export.<str:fmt>", views.person_export, name="person_export"),
    path("people/<pid:person_id>/erase/", views.person_erase, name="person_erase"),
]
