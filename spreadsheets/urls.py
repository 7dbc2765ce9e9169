from django.urls import path

from core.wip import wip

app_name = "spreadsheets"
urlpatterns = [
    path("", wip, name="index"),
]
