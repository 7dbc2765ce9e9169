from django.urls import path

from core.wip import wip

app_name = "onet"
urlpatterns = [
    path("", wip, name="search"),
]
