from django.urls import path

from core.wip import wip

app_name = "frameworks"
urlpatterns = [
    path("", wip, name="index"),
    path("my-ladder/", wip, name="my_ladder"),
    path("templates/", wip, name="library"),
]
