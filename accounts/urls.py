from django.urls import path

from core.wip import wip

app_name = "accounts"
urlpatterns = [
    path("organization/new/", wip, name="create_organization"),
]
