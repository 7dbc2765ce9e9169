from django.urls import path

from core.wip import wip

app_name = "people"
urlpatterns = [
    path("", wip, name="list"),
    path("team/", wip, name="team"),
    path("add/", wip, name="add"),
    path("me/", wip, name="me"),
    path("<pid:person_id>/", wip, name="detail"),
]
